"""Analytics can be switched off entirely, and the privacy page says what is counted."""

import pytest

from broadsheet.analytics.models import Event
from broadsheet.analytics.tests.stored import nothing_stored
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def test_pages_carry_the_beacon_address_and_the_privacy_page_explains(
    client, publication
):
    article = factories.reader_urls(publication)["article"]
    assert 'data-audience="/analytics/view"' in client.get(article).text
    policy = client.get("/privacy/").text
    assert "What we count" in policy
    assert "kept for 30 days" in policy
    assert "Global Privacy Control" in policy


def test_switched_off_nothing_is_counted_sent_or_promised(
    client, publication, settings
):
    settings.ANALYTICS = {**settings.ANALYTICS, "ENABLED": False}
    urls = factories.reader_urls(publication)
    newsletter = factories.make_newsletter()
    assert "data-audience" not in client.get(urls["article"]).text
    client.post(
        "/newsletters/",
        {"email": "reader@example.com", "newsletters": [newsletter.pk]},
        HTTP_REFERER="http://testserver" + urls["article"],
    )
    assert nothing_stored()
    policy = client.get("/privacy/").text
    assert "What we count" not in policy
    assert "We do not count or track which articles you read" in policy


def test_a_signup_is_attributed_to_the_page_it_was_made_on(client, publication):
    urls = factories.reader_urls(publication)
    newsletter = factories.make_newsletter()
    client.post(
        "/newsletters/",
        {"email": "reader@example.com", "newsletters": [newsletter.pk]},
        HTTP_REFERER="http://testserver" + urls["article"],
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    )
    assert list(Event.objects.values_list("kind", "path")) == [
        ("signup", urls["article"])
    ]
