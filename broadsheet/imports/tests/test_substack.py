"""Importing a Substack export zip."""

from datetime import UTC, datetime

import pytest
from wagtail.models import PageViewRestriction

from broadsheet.imports.tests.lookup import imported_article as article
from broadsheet.imports.tests.substackexport import write_substack
from broadsheet.newsletter.models import Newsletter, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(publication, tmp_path, run_import):
    return run_import("substack", write_substack(tmp_path))


def test_posts_dates_and_subtitles(imported):
    post = article("1001")
    assert post.live and post.slug == "inference-costs-fall"
    assert post.standfirst == "A price cut across three providers."
    assert post.first_published_at == datetime(2026, 4, 2, 7, 0, tzinfo=UTC)
    kinds = [block.block_type for block in post.body]
    assert kinds == [
        "paragraph", "subheading", "quote", "paragraph", "embed", "code",
        "divider", "paragraph",
    ]  # fmt: skip
    # Substack's images stay on Substack: a link, reported, never fetched.
    assert "substackcdn.com" in post.body[3].value.source
    paid = PageViewRestriction.objects.get(page=article("1002"))
    assert paid.restriction_type == PageViewRestriction.LOGIN
    assert not article("1003").live


def test_the_report(imported):
    _, report = imported
    assert "post: discussion threads are not imported" in report
    assert "post: its HTML file is not in the zip" in report
    assert "subscriber: email switched off on Substack" in report
    assert "Substack exports name no authors" in report
    assert "article: 3 created" in report


def test_subscribers_with_consent_recorded_as_from_substack(imported):
    letter = Newsletter.objects.get(slug="costwatch")
    kit = Subscriber.objects.get(email="kit@readers.example")
    assert (kit.status, kit.source) == ("active", "substack")
    assert list(kit.newsletters.all()) == [letter]
    assert Subscriber.objects.filter(email="lee@readers.example").exists()
    assert not Subscriber.objects.filter(email="mo@readers.example").exists()


def test_old_addresses(imported, client):
    for old in ("/p/inference-costs-fall", "/p/inference-costs-fall/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (
            301,
            "/inference-costs-fall/",
        )
    assert client.get("/inference-costs-fall/").status_code == 200
