"""Editors write, preview, schedule and publish articles in the Wagtail admin."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from broadsheet.core import scheduler
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories
from broadsheet.testing.admin_forms import add_url, article_form, existing_bylines

pytestmark = pytest.mark.django_db


def test_editor_creates_a_draft_that_readers_cannot_see(
    client, editor_client, publication
):
    response = editor_client.post(add_url(publication), article_form(publication))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="chip-makers-meet")
    assert not article.live
    assert article.latest_revision is not None
    client.logout()
    assert client.get("/chip-makers-meet/").status_code == 404


def test_editor_previews_before_publishing(editor_client, publication):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("newsroom", "articlepage", publication["home"].pk),
    )
    response = editor_client.post(preview_url, article_form(publication))
    assert response.json()["is_valid"] is True
    preview = editor_client.get(preview_url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Chip makers meet to agree a packaging standard" in html
    assert "A draft is due in spring." in html
    assert not ArticlePage.objects.filter(slug="chip-makers-meet").exists()


def test_editor_publishes_and_the_article_reaches_home_and_section(
    client, editor_client, publication
):
    form = article_form(publication, **{"action-publish": "action-publish"})
    response = editor_client.post(add_url(publication), form)
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="chip-makers-meet")
    assert article.live
    assert [a.name for a in article.authors] == ["Ada Reporter"]
    assert sorted(article.tags.names()) == ["chips", "standards"]

    client.logout()
    assert "Chip makers meet" in client.get("/").content.decode()
    section_html = client.get(publication["sections"][0].url).content.decode()
    assert "Chip makers meet" in section_html
    page = client.get("/chip-makers-meet/").content.decode()
    assert "A draft is due in spring." in page


def test_scheduled_article_goes_live_when_the_scheduler_runs(
    client, editor_client, publication
):
    go_live = timezone.localtime() + timedelta(hours=2)
    form = article_form(
        publication,
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "action-publish"},
    )
    response = editor_client.post(add_url(publication), form)
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="chip-makers-meet")
    assert not article.live
    assert article.latest_revision.approved_go_live_at is not None

    client.logout()
    scheduler.tick()  # before the time: nothing happens
    assert client.get("/chip-makers-meet/").status_code == 404

    with time_machine.travel(go_live + timedelta(minutes=1)):
        scheduler.tick()
    article.refresh_from_db()
    assert article.live
    assert "Chip makers meet" in client.get("/").content.decode()
    assert (
        "Chip makers meet"
        in client.get(publication["sections"][0].url).content.decode()
    )


def test_reserved_slugs_are_refused_with_a_clear_message(editor_client, publication):
    response = editor_client.post(
        add_url(publication), article_form(publication, slug="tags")
    )
    assert response.status_code == 200
    assert "is used by Broadsheet itself" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="tags").exists()


def test_an_article_needs_a_section_and_an_author(editor_client, publication):
    form = article_form(publication)
    form["section"] = ""
    form["article_authors-TOTAL_FORMS"] = "0"
    response = editor_client.post(add_url(publication), form)
    assert response.status_code == 200
    assert ArticlePage.objects.filter(slug="chip-makers-meet").count() == 0


def test_articles_only_live_under_the_home_page(publication):
    section = publication["sections"][0]
    assert not ArticlePage.can_create_at(section)
    assert ArticlePage.can_create_at(Page.objects.get(pk=publication["home"].pk))


def frame_rules(response) -> tuple[list[str], str]:
    """The CSP frame-ancestors sources and X-Frame-Options of a response."""
    policy = {
        name: values
        for name, *values in (
            part.split()
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
    }
    return policy["frame-ancestors"], response["X-Frame-Options"]


def test_the_preview_panel_may_frame_a_new_article_and_nothing_else_may(
    client, editor_client, publication
):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("newsroom", "articlepage", publication["home"].pk),
    )
    assert editor_client.post(preview_url, article_form(publication)).json()["is_valid"]
    # What the panel's iframe loads, then what "Preview in new tab" opens.
    for url in (f"{preview_url}?in_preview_panel=true&mode=", preview_url):
        preview = editor_client.get(url)
        assert preview.status_code == 200
        assert "Chip makers meet" in preview.content.decode()
        assert frame_rules(preview) == (["'self'"], "SAMEORIGIN"), url
        # Otherwise the preview shows what readers get: no inline script.
        assert "unsafe-inline" not in preview["Content-Security-Policy"]

    client.logout()
    article = publication["articles"][0]
    assert frame_rules(client.get(article.url)) == (["'none'"], "DENY")


def test_the_preview_panel_may_frame_an_edited_article(editor_client, publication):
    article = publication["articles"][0]
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    form = article_form(
        publication, slug=article.slug, article_authors=existing_bylines(article)
    )
    assert editor_client.post(preview_url, form).json()["is_valid"]
    preview = editor_client.get(f"{preview_url}?in_preview_panel=true&mode=")
    assert preview.status_code == 200
    assert "Chip makers meet" in preview.content.decode()
    assert frame_rules(preview) == (["'self'"], "SAMEORIGIN")
    # The published article itself still refuses every frame.
    assert frame_rules(editor_client.get(article.url)) == (["'none'"], "DENY")


def test_a_slug_held_by_an_abandoned_draft_names_and_links_that_draft(
    editor_client, publication
):
    """An article started and left (Wagtail autosaves it as a draft) keeps its
    slug; writing the story again says so and links to the draft."""
    first = editor_client.post(add_url(publication), article_form(publication))
    assert first.status_code == 302
    draft = ArticlePage.objects.get(slug="chip-makers-meet")
    assert not draft.live

    again = editor_client.post(add_url(publication), article_form(publication))
    assert again.status_code == 200
    html = again.content.decode()
    assert "This slug is used by an unpublished draft" in html
    assert f'<a href="/admin/pages/{draft.pk}/edit/">“{draft.title}”</a>' in html
    assert ArticlePage.objects.filter(slug="chip-makers-meet").count() == 1

    published = publication["articles"][0]
    clash = editor_client.post(
        add_url(publication), article_form(publication, slug=published.slug)
    )
    assert f'This slug is used by <a href="/admin/pages/{published.pk}/edit/">' in (
        clash.content.decode()
    )


def test_a_new_article_may_be_saved_without_takeaways(editor_client, publication):
    """Takeaways are optional (an empty new article shows no count error);
    publishing without them is flagged by the pre-publish checks instead."""
    form = article_form(publication)
    form.update(nested_form_data({"takeaways": streamfield([])}))
    response = editor_client.post(add_url(publication), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(ArticlePage.objects.get(slug="chip-makers-meet").takeaways) == 0


def test_the_editor_warns_before_publishing_and_never_blocks(
    editor_client, publication
):
    bare = factories.make_image("Narrow hero", size=(800, 450))
    bare.description = ""
    bare.save()
    form = article_form(
        publication,
        title="A headline " * 11,
        standfirst="A standfirst that runs on. " * 12,
        hero_image=bare.pk,
        **{"action-publish": "action-publish"},
    )
    form.update(
        nested_form_data(
            {
                "takeaways": streamfield([]),
                "body": streamfield(
                    [
                        ("paragraph", rich_text("<p>Words.</p>")),
                        (
                            "image",
                            {"image": bare.pk, "alt": "", "caption": "", "credit": ""},
                        ),
                    ]
                ),
            }
        )
    )
    assert (
        editor_client.get(add_url(publication))
        .content.decode()
        .count("Before publishing, check")
        == 0
    )  # a new, empty article opens on no list of faults
    published = editor_client.post(add_url(publication), form)
    assert published.status_code == 302, published.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="chip-makers-meet")
    assert article.live  # warned about, not refused

    html = editor_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Before publishing, check" in html
    for warning in (
        "The headline has 120 characters; over 110, search results cut it.",
        "The standfirst has 323 characters; keep it under 300.",
        "There are no key takeaways.",
        "The hero image has no alt text.",
        "The hero image is 800 pixels wide; social cards need 1200.",
        "1 image in the body has no alt text.",
    ):
        assert warning in html, warning

    tidy = factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"][:1],
        image=factories.make_image("Wide hero", size=(1600, 900)),
    )
    tidy_html = editor_client.get(f"/admin/pages/{tidy.pk}/edit/").content.decode()
    assert "Before publishing, check" not in tidy_html


@pytest.mark.parametrize("live", [False, True])
def test_a_stale_form_that_repeats_a_byline_gets_a_message_not_a_500(
    editor_client, publication, live
):
    """A form that adds a byline without sending back the saved one (an old
    tab, a script) would list the author twice: modelcluster keeps the row
    the form did not mention. Saving a draft page wrote it and the database
    refused it, a 500; a live page stored it in the revision."""
    article = factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"][:1],
        live=live,
    )
    form = article_form(publication, slug=article.slug)  # a new byline row only
    response = editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), form
    )
    assert response.status_code == 200
    assert "Each author may appear only once." in response.content.decode()
    assert article.article_authors.count() == 1
    assert article.revisions.count() == 1
