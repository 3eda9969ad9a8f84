"""Importing a Ghost JSON export."""

from datetime import UTC, datetime

import pytest
from wagtail.models import PageViewRestriction

from broadsheet.imports.tests.ghostexport import write_content, write_ghost
from broadsheet.imports.tests.lookup import imported_article as article
from broadsheet.newsletter.models import Newsletter, Subscriber
from broadsheet.newsroom.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(publication, tmp_path, run_import):
    return run_import(
        "ghost", write_ghost(tmp_path), "--content", write_content(tmp_path)
    )


def test_posts_pages_and_states(imported):
    lead = article("p1")
    assert lead.live and lead.title == "Open weights pass two million downloads"
    assert lead.standfirst == "Researchers lead, hobbyists follow."
    assert lead.first_published_at == datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    assert not article("p4").live
    scheduled = article("p5")
    assert not scheduled.live
    assert scheduled.go_live_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    restriction = PageViewRestriction.objects.get(page=article("p6"))
    assert restriction.restriction_type == PageViewRestriction.LOGIN
    assert article("p7").title == "About this site"  # pages come too
    assert not article("p8").live  # sent by email only: a draft
    assert article("p9").slug == "obzor-modeley"  # a non-Latin address


def test_authors_tags_and_the_primary_tag_as_section(imported):
    noor = Author.objects.get(slug="noor")
    assert (noor.email, noor.bio) == ("noor@ghost.example", "Covers open models.")
    assert Author.objects.get(slug="desk").email == ""
    assert article("p1").authors == [noor, Author.objects.get(slug="desk")]
    # "News" matches the section here; "#hidden" is internal and dropped;
    # "Open Models" and "open models" are one tag.
    assert article("p1").section.slug == "news"
    assert sorted(t.name for t in article("p1").tags.all()) == ["Open Models"]
    # "Funding" matches no section: a tag, and the first section is used.
    assert [t.name for t in article("p2").tags.all()] == ["Funding"]


def test_lexical_mobiledoc_and_html_bodies(imported):
    kinds = [block.block_type for block in article("p1").body]
    assert kinds == [
        "paragraph", "subheading", "quote", "paragraph", "image", "code",
        "divider", "embed", "paragraph", "paragraph", "paragraph",
    ]  # fmt: skip
    body = article("p1").body
    assert "<b>two million</b>" in body[0].value.source
    assert "<ol><li>Universities</li>" in body[3].value.source
    assert body[4].value["caption"] == "Downloads by month"
    assert body[5].value == {"language": "shell", "code": "pip install weights"}
    assert body[7].value["caption"] == "The launch talk"
    assert "Model handbook" in body[8].value.source
    hero = article("p1")
    assert (hero.hero_alt, hero.hero_caption) == (
        "A data centre aisle",
        "Racks in a data centre",
    )
    assert hero.hero_image is not None
    kinds = [block.block_type for block in article("p2").body]
    assert kinds == [
        "paragraph",
        "subheading",
        "paragraph",
        "divider",
        "paragraph",
        "quote",
    ]
    assert "<b>sharply</b>" in article("p2").body[0].value.source
    assert (
        '<a href="https://example.org/labs">Staff</a>'
        in article("p2").body[2].value.source
    )
    kinds = [block.block_type for block in article("p3").body]
    assert kinds == ["paragraph", "embed"]


def test_newsletters_and_members_with_consent_only(imported):
    _, report = imported
    weekly = Newsletter.objects.get(slug="weekly-models")
    assert not weekly.is_active  # paused until an editor sets the schedule
    ana = Subscriber.objects.get(email="ana@readers.example")
    assert (ana.status, ana.source) == ("active", "ghost")
    assert set(ana.newsletters.values_list("slug", flat=True)) == {
        "weekly-models",
        "funding-alerts",
    }
    assert not Subscriber.objects.filter(email="bo@readers.example").exists()
    assert "member: no newsletter consent recorded" in report
    assert "not-an-address" in report
    assert "Ghost card “product”: kept as its text." in report
    assert "Ghost card “paywall”" in report


def test_old_addresses(imported, client):
    for old, new in (
        ("/open-weights/amp/", "/open-weights/"),
        ("/tag/open-models/", "/tags/open-models/"),
        ("/tag/funding/", "/tags/funding/"),
        ("/author/noor/", "/authors/noor/"),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200
    assert client.get("/open-weights/").status_code == 200
    response = client.get(
        "/%D0%BE%D0%B1%D0%B7%D0%BE%D1%80-%D0%BC%D0%BE%D0%B4%D0%B5%D0%BB%D0%B5%D0%B9/"
    )
    assert (response.status_code, response["Location"]) == (301, "/obzor-modeley/")


def test_unknown_ghost_version_is_refused(publication, tmp_path, run_import):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ghost version 3.41.0 is not one"):
        run_import("ghost", write_ghost(tmp_path, version="3.41.0"))


def test_members_from_ghosts_members_csv(publication, tmp_path, run_import):
    members = tmp_path / "members.2026-06-01.csv"
    members.write_text(
        "id,email,name,note,subscribed_to_emails,complimentary_plan,"
        "stripe_customer_id,created_at,deleted_at,labels,tiers\n"
        "c1,cam@readers.example,Cam,,true,,,2026-01-02T00:00:00.000Z,,,\n"
        "c2,dee@readers.example,Dee,,false,,,2026-01-03T00:00:00.000Z,,,\n"
        "c3,eli@readers.example,Eli,,true,,,2026-01-04T00:00:00.000Z,"
        "2026-02-01T00:00:00.000Z,,\n",
        encoding="utf-8",
    )
    _, report = run_import("ghost", write_ghost(tmp_path), "--members", members)
    cam = Subscriber.objects.get(email="cam@readers.example")
    assert (cam.status, cam.source) == ("active", "ghost")
    assert list(cam.newsletters.values_list("slug", flat=True)) == ["weekly-models"]
    assert not Subscriber.objects.filter(email__startswith="dee").exists()
    assert not Subscriber.objects.filter(email__startswith="eli").exists()
    assert "member: not subscribed to emails" in report
    assert "member: deleted in Ghost" in report


def test_a_members_file_that_is_not_one_is_refused(publication, tmp_path, run_import):
    from django.core.management.base import CommandError

    wrong = tmp_path / "members.csv"
    wrong.write_text("name,plan\nCam,free\n", encoding="utf-8")
    with pytest.raises(CommandError, match="has no column email"):
        run_import("ghost", write_ghost(tmp_path), "--members", wrong)
