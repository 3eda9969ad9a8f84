"""Installability: manifest, icons, service worker and offline pages."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from broadsheet.pwa.views import short_name

pytestmark = pytest.mark.django_db


def manifest(client) -> dict:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_every_reader_page_links_the_manifest_and_script(client, publication):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-sw="/sw.js"' in html
    assert re.search(
        r'<script type="module" src="/static/js/broadsheet[^"]*\.js"></script>', html
    )
    assert '<meta name="theme-color" content="#8a1c1c">' in html
    assert "<script>" not in html and " on" + "click=" not in html  # nothing inline


def test_manifest_meets_installability_criteria(client, publication):
    data = manifest(client)
    assert data["name"] and data["short_name"]
    assert len(data["short_name"]) <= 12
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] in ("standalone", "fullscreen", "minimal-ui")
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", data["background_color"])
    sizes = {icon["sizes"]: icon for icon in data["icons"] if icon["purpose"] == "any"}
    assert {"192x192", "512x512"} <= set(sizes)
    assert any(icon["purpose"] == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    shortcuts = {s["name"]: s["url"] for s in data["shortcuts"]}
    assert shortcuts == {"Latest": "/latest/", "Saved": "/saved/"}
    assert client.get(data["start_url"]).status_code == 200


def test_icons_are_drawn_from_the_logo(client, publication):
    from broadsheet.core.models import Branding
    from broadsheet.testing.factories import make_image

    plain = client.get("/icons/icon-192.png").content
    branding = Branding.for_site(publication["home"].get_site())
    branding.logo = make_image("Logo", size=(300, 300), colour="#00ff00")
    branding.save()
    with_logo = client.get("/icons/icon-192.png").content
    assert with_logo != plain
    with Image.open(io.BytesIO(with_logo)) as image:
        assert image.getpixel((96, 96))[:3] == (0, 255, 0)  # the logo, centred
    assert client.get("/icons/icon-77.png").status_code == 404


def test_service_worker_precaches_the_shell_and_never_caches_private_pages(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script)[1])
    assert precache[0] == "/offline/"
    assert "/saved/" in precache
    for url in precache:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url
    assert 'control.includes("public") && !control.includes("private")' in script
    assert '"/admin/"' in script
    assert "MAX_PAGES = 50;" in script


def test_service_worker_version_follows_the_code(client, monkeypatch):
    import broadsheet

    first = re.search(
        r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()
    )[1]
    monkeypatch.setattr(broadsheet, "__version__", "99.0")
    second = re.search(
        r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()
    )[1]
    assert first != second


def test_offline_and_saved_pages_work_without_javascript(client, publication):
    offline = client.get("/offline/").content.decode()
    assert "You’re offline" in offline
    saved = client.get("/saved/").content.decode()
    assert "<noscript>" in saved and "data-saved-list" in saved


def test_article_offers_save_for_later_as_an_enhancement(client, publication):
    article = publication["articles"][0]
    html = client.get(article.url).content.decode()
    button = re.search(r"<button[^>]*data-save-article[^>]*>", html)[0]
    assert " hidden" in button  # shown by JavaScript only
    assert f'data-url="{article.url}"' in button


@pytest.mark.parametrize(
    "name,expected",
    [
        ("The Broadsheet Wire", "Broadsheet"),
        ("Tech Daily", "Tech Daily"),
        ("Supercalifragilistic News", "Supercalifra"),
    ],
)
def test_short_names_keep_whole_words(name, expected):
    assert short_name(name) == expected
