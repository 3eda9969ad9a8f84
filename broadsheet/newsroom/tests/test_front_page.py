"""The front page's choice of stories is kept per content version, and no longer."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def lead_story(html: str) -> str:
    return html.split('class="front-lead"', 1)[1].split("</section>", 1)[0]


def test_a_new_article_leads_the_front_page_at_once(
    client, publication, django_capture_on_commit_callbacks
):
    home = publication["home"].url
    assert publication["articles"][0].title in client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        newer = factories.make_article(
            publication["home"],
            publication["sections"][1],
            publication["authors"],
            title="A story that just broke",
        )
    assert newer.title in lead_story(client.get(home).content.decode())


def test_a_chosen_article_leaves_the_front_page_when_it_expires(
    client, publication, django_capture_on_commit_callbacks
):
    home = publication["home"].url
    article = publication["articles"][0]
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        article.expire_at = start + timedelta(hours=1)
        article.save_revision().publish()
    assert article.title in client.get(home).content.decode()

    # Nothing is published or edited in between: the expiry date passing is
    # the only change, and the kept choice must not outlive it.
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        html = client.get(home).content.decode()
    assert article.title not in html
    assert publication["articles"][1].title in html


def test_a_preview_with_another_lead_shows_it_beside_the_kept_choice(
    client, publication
):
    home = publication["home"]
    assert client.get(home.url).status_code == 200  # the choice is now kept
    chosen = publication["articles"][-1]
    home.lead_article = chosen
    preview = home.make_preview_request()
    assert chosen.title in lead_story(preview.content.decode())
