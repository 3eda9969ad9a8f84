"""Wagtail's writing aids are on and look at what the editor wrote."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client.force_login(user)
    return client


def axe_configuration(html: str) -> dict:
    found = re.search(
        r'id="checker-axe-configuration" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found, "no content checker on the page"
    return json.loads(found.group(1))


def test_the_checks_cover_the_article_not_the_site_chrome(editor, publication):
    article = publication["articles"][0]
    config = axe_configuration(editor.get(article.url).content.decode())
    assert config["context"]["include"] == ["main"]
    rules = config["options"]["runOnly"]
    # Wagtail's own checks stay, and ours are added.
    assert {"heading-order", "link-name", "alt-text-quality"} <= set(rules)
    assert {"image-alt", "color-contrast", "list", "listitem"} <= set(rules)


def test_readers_get_no_checker_and_no_userbar(client, publication):
    html = client.get(publication["articles"][0].url).content.decode()
    assert "checker-axe-configuration" not in html
    assert "wagtail-userbar" not in html


def test_the_editor_previews_at_phone_tablet_and_desktop_width(editor, publication):
    article = publication["articles"][0]
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content
    for label in ("mobile", "tablet", "desktop"):
        assert f"Preview in {label} size".encode() in html
