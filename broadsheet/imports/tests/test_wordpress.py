"""Importing a WordPress export: every item type, every awkward case."""

from datetime import UTC, datetime

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from broadsheet.comments.models import Comment
from broadsheet.imports.models import ImportedItem, ImportRun
from broadsheet.imports.tests.lookup import imported_article as article
from broadsheet.imports.tests.wxr import write_export, write_uploads
from broadsheet.newsroom.models import Author, SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(publication, tmp_path, run_import):
    export, uploads = write_export(tmp_path), write_uploads(tmp_path)
    return run_import("wordpress", export, "--uploads", uploads)


def test_posts_arrive_in_their_states(imported):
    published = article("101")
    assert published.live and published.title == "Chip output rises to a record"
    assert published.first_published_at == datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
    assert (
        published.standfirst == "Plants in three regions ran at full capacity in April."
    )
    draft = article("102")
    assert not draft.live and draft.latest_revision is not None
    scheduled = article("103")
    assert not scheduled.live
    assert scheduled.go_live_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert scheduled.latest_revision.approved_go_live_at == scheduled.go_live_at
    private = PageViewRestriction.objects.get(page=article("104"))
    assert private.restriction_type == PageViewRestriction.GROUPS
    assert {g.name for g in private.groups.all()} == {"Editor", "Administrator"}
    protected = PageViewRestriction.objects.get(page=article("109"))
    assert protected.password == "letmein"
    assert not ImportedItem.objects.filter(kind="article", source_id="105").exists()
    assert not ImportedItem.objects.filter(kind="article", source_id="201").exists()


def test_authors_sections_and_tags(imported):
    mara = Author.objects.get(slug="mara")
    assert (mara.name, mara.email) == ("Mara Quint", "mara@wire.example")
    guest = Author.objects.get(slug="guest-desk")
    assert (guest.name, guest.email) == ("Guest Desk", "")
    assert article("101").authors == [mara]
    assert article("106").authors == [guest]
    # Top-level categories with posts are sections; a child category is a tag.
    assert article("101").section.slug == "industry"
    assert article("107").section.slug == "research"
    assert SectionPage.objects.get(slug="industry").intro == "Companies and markets"
    assert not SectionPage.objects.filter(slug__in=["chips", "uncategorized"]).exists()
    # "AI" and "ai" are one tag; the child category "Chips" is a tag.
    tags = sorted(t.name.lower() for t in article("101").tags.all())
    assert tags == ["ai", "chips"]
    # No category: the most used section.
    assert article("110").section.slug == "industry"
    assert article("101").comments_open and not article("110").comments_open


def test_slugs_shared_and_non_latin(imported):
    assert article("101").slug == "chip-output-rises"
    assert article("106").slug == "chip-output-rises-2"
    assert article("107").slug == "novosti-ii"
    assert article("107").title == "Новости ИИ за неделю"


def test_bodies_become_blocks(imported):
    body = article("101").body
    kinds = [block.block_type for block in body]
    assert kinds == [
        "paragraph", "subheading", "quote", "paragraph", "image", "code",
        "divider", "embed", "paragraph", "paragraph",
    ]  # fmt: skip
    assert body[0].value.source.startswith("<p>Chip plants") and "<b>Monday</b>" in (
        body[0].value.source
    )
    assert body[2].value["attribution"] == "Ines Marr, plant manager"
    assert "<ul><li>Memory lines" in body[3].value.source
    figure = body[4].value
    assert figure["caption"] == "A wafer at the Leiden plant"
    assert figure["credit"] == "Photo: Wire staff"
    assert figure["alt"] == "A wafer under inspection light"
    assert body[5].value["language"] == "python"
    assert body[7].value["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert body[7].value["caption"] == "The plant tour, filmed in March"
    assert "Will the boom last?" in body[8].value.source
    assert "[gallery" in body[9].value.source
    # The featured image and the resized copy in the body are one image.
    assert article("101").hero_image_id == figure["image"].pk
    assert article("101").hero_alt == "A wafer under inspection light"


def test_classic_editor_text_and_shortcodes(imported):
    body = article("108").body
    kinds = [block.block_type for block in body]
    assert kinds == ["paragraph", "paragraph", "image", "embed", "embed", "paragraph"]
    assert "<br/>" in body[1].value.source  # a single line break is kept
    assert body[2].value["caption"] == "An arm sorting parcels in a test hall"
    assert body[3].value["url"] == "https://vimeo.com/76979871"
    assert body[4].value["url"].endswith("/status/1790000000000000000")
    # An image not in the uploads is a link to where it was, and reported.
    assert "A chart that was never uploaded" in body[5].value.source


def test_comments_keep_threads_and_states(imported, client):
    comments = {c.body.split(".")[0]: c for c in Comment.objects.all()}
    assert len(comments) == 6  # the pingback and the trashed post's are not
    first = comments["Good report"]
    second = comments["Agreed, and substrate supply is tight too"]
    third = comments["Do you have a source for the substrate figures?"]
    fourth = comments["The trade group's April bulletin, table 4"]
    assert (first.guest_name, first.author_id, first.depth) == ("Pia", None, 0)
    assert second.parent == first and third.parent == second
    # Deeper than the thread allows: joins the reply it answers.
    assert fourth.parent == second and fourth.reply_to == third
    assert first.status == "published"
    assert comments["Waiting for a moderator"].status == "pending"
    assert comments["Buy cheap watches here"].status == "spam"
    assert first.created_at == datetime(2026, 5, 4, 11, 0, tzinfo=UTC)
    page = client.get(article("101").url).content.decode()
    assert "<bdi>Pia</bdi>" in page and "<bdi>Olu</bdi>" in page
    assert "Buy cheap watches" not in page and "Waiting for a moderator" not in page


def test_the_report_names_what_was_not_imported(imported):
    stdout, report = imported
    assert "custom field “subtitle_extra”" in report
    assert "pingback 7" in report
    assert "Gutenberg block “acme/poll”" in report
    assert "Shortcode [gallery]" in report
    assert "missing.png not imported" in report
    assert "post: in the trash (with its comments)" in report
    assert "nav_menu_item" in report
    assert "/chip-output-rises/ is taken" in report
    assert "article: 9 created" in report
    assert "Undo with: broadsheet import undo" in stdout


def test_every_old_address_answers_301_to_the_article(imported, client):
    checked = 0
    for post_id in ("101", "106", "107", "108", "110"):
        page = article(post_id)
        paths = [
            redirect.old_path
            for redirect in Redirect.objects.filter(redirect_page=page)
        ]
        assert f"/?p={post_id}" in paths
        for path in paths:
            response = client.get(path)
            assert response.status_code == 301, path
            assert response["Location"] == page.url
            assert client.get(page.url).status_code == 200
            checked += 1
    assert (
        client.get("/2026/05/chip-output-rises/")["Location"] == "/chip-output-rises/"
    )
    encoded = "/2026/05/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8-%d0%b8%d0%b8/"
    assert client.get(encoded)["Location"] == "/novosti-ii/"
    for old, new in (
        ("/category/industry/", "/industry/"),
        ("/category/industry/chips/", "/tags/chips/"),
        ("/tag/ai-2/", "/tags/ai/"),
        ("/tag/robotics/", "/tags/robotics/"),
        ("/author/mara/", "/authors/mara/"),
        ("/author/guest-desk/", "/authors/guest-desk/"),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new
    assert checked == 11


def test_pages_come_in_with_the_flag(publication, tmp_path, run_import):
    run_import("wordpress", write_export(tmp_path), "--pages")
    about = article("201")
    assert about.title == "About the Wire" and about.live


def test_without_uploads_images_are_reported_never_fetched(
    publication, tmp_path, run_import
):
    before = get_image_model().objects.count()
    _, report = run_import("wordpress", write_export(tmp_path))
    assert get_image_model().objects.count() == before
    assert "no uploads folder or zip was given" in report
    assert ImportRun.objects.get().status == "finished"


def test_a_new_site_gets_its_home_page_and_name(
    frozen_day, tmp_path, run_import, client
):
    from wagtail.models import Site

    from broadsheet.newsroom.models import HomePage

    assert not HomePage.objects.exists()  # a fresh install: Wagtail's placeholder
    run_import("wordpress", write_export(tmp_path), "--dry-run")
    assert not HomePage.objects.exists()
    run_import("wordpress", write_export(tmp_path))
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage
    assert site.site_name == "The Wire"
    assert client.get("/chip-output-rises/").status_code == 200
