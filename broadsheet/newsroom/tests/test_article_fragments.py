"""The article's HTML is kept per content version, never for a preview."""

import pytest
from django.core.cache import caches
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text, streamfield

from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing.admin_forms import add_url, article_form, existing_bylines

pytestmark = pytest.mark.django_db


def kept_fragments() -> list[str]:
    return [key for key in caches["local"]._cache if "template.cache.article" in key]


@pytest.fixture
def published(editor_client, publication):
    form = article_form(publication, **{"action-publish": "action-publish"})
    assert editor_client.post(add_url(publication), form).status_code == 302
    return ArticlePage.objects.get(slug="chip-makers-meet")


def test_a_preview_shows_the_draft_while_readers_keep_the_live_text(
    editor_client, publication, published
):
    reader = Client()
    assert "Engineers met for two days." in reader.get(published.url).content.decode()
    assert kept_fragments()

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(published.pk,))
    draft = article_form(
        publication,
        title="Chip makers delay their packaging standard",
        body=streamfield([("paragraph", rich_text("<p>The vote moved to June.</p>"))]),
        article_authors=existing_bylines(published),
    )
    assert editor_client.post(preview_url, draft).json()["is_valid"] is True
    preview = editor_client.get(preview_url).content.decode()
    assert "The vote moved to June." in preview
    assert "Chip makers delay their packaging standard</h1>" in preview
    assert "Engineers met for two days." not in preview

    live = reader.get(published.url).content.decode()
    assert "Engineers met for two days." in live
    assert "The vote moved to June." not in live


def test_a_published_edit_shows_at_once(publication, published):
    reader = Client()
    assert "Chip makers meet" in reader.get(published.url).content.decode()
    published.title = "Chip makers sign a packaging standard"
    published.standfirst = "All five suppliers signed on the second day."
    published.save_revision().publish()

    html = reader.get(published.url).content.decode()
    assert "Chip makers sign a packaging standard</h1>" in html
    assert "All five suppliers signed on the second day." in html
    # The social metadata is kept separately, and renewed with it.
    assert 'content="Chip makers sign a packaging standard"' in html


def test_a_fragment_differs_by_site_address(settings, publication, published):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    assert (
        "http://testserver/chip-makers-meet/"
        in Client().get(published.url).content.decode()
    )
    other = Client(HTTP_HOST="news.example.org").get(published.url).content.decode()
    assert "http://news.example.org/chip-makers-meet/" in other
    assert "http://testserver/" not in other


def test_content_fragment_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="needs a name"):
        Template(
            "{% load broadsheet_tags %}{% content_fragment %}{% endcontent_fragment %}"
        )


def test_content_fragment_renders_without_a_request():
    template = Template(
        "{% load broadsheet_tags %}"
        '{% content_fragment "t" n %}{{ n }}{% endcontent_fragment %}'
    )
    assert template.render(Context({"n": 1})) == "1"
    assert template.render(Context({"n": 2})) == "2"
