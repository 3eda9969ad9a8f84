"""The privacy page tells what this installation does; embeds wait for a click."""

import re

import pytest

from broadsheet.newsroom.embeds import resolve_embed
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def test_privacy_page_is_generated_from_the_configuration(
    client, publication, settings
):
    html = client.get("/privacy/").content.decode()
    assert "sets no cookies" in html
    assert settings.SESSION_COOKIE_NAME in html and settings.CSRF_COOKIE_NAME in html
    assert "YouTube" in html and "Vimeo" in html
    assert "mail is saved as files on the server" in html
    assert "Argon2" in html and "no photo, no Gravatar" in html
    assert "there are no tracking pixels and links are not rewritten" in html
    assert "Episodes play from this site" in html
    assert "Comments close 30 days after an article is published." in html

    settings.EMBED_PROVIDERS = [factories.EXAMPLE_EMBED_PROVIDER]
    settings.EMAIL_HOST = "smtp.example.org"
    settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 0}
    html = client.get("/privacy/").content.decode()
    assert "Example Video" in html
    assert "sent through an SMTP server you configure" in html
    assert "Comments close" not in html


def test_privacy_choices_offer_allow_and_ask_equally(client, publication):
    html = client.get("/privacy/choices/").content.decode()
    for provider in ("YouTube", "Vimeo"):
        group = re.search(rf'data-choice="{provider}">(.*?)</fieldset>', html, re.S)[1]
        assert 'value="allow"' in group and 'value="ask"' in group
    assert "Privacy choices" in client.get("/").content.decode()  # footer link


@pytest.mark.parametrize(
    "url,provider,frame",
    [
        (
            "https://www.youtube.com/watch?v=abcDEF12345",
            "YouTube",
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
        ),
        (
            "https://youtu.be/abcDEF12345",
            "YouTube",
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
        ),
        (
            "https://vimeo.com/123456",
            "Vimeo",
            "https://player.vimeo.com/video/123456?dnt=1",
        ),
        ("https://social.example.com/post/9", "social.example.com", None),
        ("javascript:alert(1)", "", None),
    ],
)
def test_embed_addresses_resolve_to_privacy_friendly_frames(url, provider, frame):
    embed = resolve_embed(url)
    assert embed.provider == provider
    assert embed.frame_url == frame


def test_embeds_render_as_placeholders_without_any_frame(client, publication):
    article = factories.make_article_with_embeds(
        publication,
        "https://www.youtube.com/watch?v=abcDEF12345",
        "https://social.example.com/post/9",
    )
    html = client.get(article.url).content.decode()
    assert "<iframe" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/abcDEF12345"' in html
    assert "Load content from YouTube" in html
    assert 'href="https://social.example.com/post/9"' in html
    assert "youtube.com/watch" in html  # the plain link works without JavaScript
