"""Privacy in chromium: no cookies and no third-party requests until the reader
acts; an embed loads only its own provider after a click; no CSP violations."""

from urllib.parse import urlsplit

import pytest

from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def embed_article(live_publication, settings):
    settings.EMBED_PROVIDERS = [factories.EXAMPLE_EMBED_PROVIDER]
    return factories.make_article_with_embeds(
        live_publication, "https://video.example.com/watch/abc123"
    )


def hosts(urls) -> set[str]:
    return {urlsplit(url).netloc for url in urls if not url.startswith("data:")}


def test_nothing_leaves_the_site_until_the_reader_chooses(
    reader, live_server, embed_article
):
    page = reader
    page.context.route(
        "https://video.example.com/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Video</title><p>Playing</p>",
        ),
    )
    own = urlsplit(live_server.url).netloc
    for path in ("/", embed_article.url, "/accounts/login/", "/accounts/signup/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert hosts(page.requests) == {own}
    assert page.context.cookies() == []

    page.goto(live_server.url + embed_article.url)
    assert page.locator("iframe").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".embed").screenshot(path=str(SCREENSHOTS / "embed-placeholder.png"))
    before = len(page.requests)
    page.click("text=Load content from Example Video")
    frame = page.frame_locator("iframe.embed__frame")
    assert frame.locator("p").inner_text() == "Playing"
    third_parties = hosts(page.requests[before:]) - {own}
    assert third_parties == {"video.example.com"}
    assert page.context.cookies() == []

    # Starting to sign in is a reader action: only then does a cookie appear.
    page.goto(live_server.url + "/admin/login/")  # the member sign-in, for all
    assert page.context.cookies() == []
    page.focus("input[name=login]")
    page.wait_for_timeout(300)
    assert page.context.cookies() == []  # focus alone (or autofocus) is not an action
    page.keyboard.type("e")
    for _ in range(50):
        if page.context.cookies():
            break
        page.wait_for_timeout(100)
    assert [c["name"] for c in page.context.cookies()] == ["csrftoken"]
    assert page.errors == []


def test_remembered_consent_loads_the_provider_and_can_be_withdrawn(
    reader, live_server, embed_article
):
    page = reader
    page.context.route(
        "https://video.example.com/**",
        lambda route: route.fulfill(
            status=200, body="<p>Playing</p>", content_type="text/html"
        ),
    )
    page.goto(live_server.url + embed_article.url)
    page.check("[data-embed-remember]")
    page.click("text=Load content from Example Video")
    page.goto(live_server.url + embed_article.url)
    assert (
        page.locator("iframe.embed__frame").count() == 1
    )  # loaded by the stored choice

    page.goto(live_server.url + "/privacy/choices/")
    assert page.locator(
        '[data-choice="Example Video"] input[value="allow"]'
    ).is_checked()
    page.check('[data-choice="Example Video"] input[value="ask"]')
    page.goto(live_server.url + embed_article.url)
    assert page.locator("iframe").count() == 0
    assert page.context.cookies() == []


def test_reader_pages_raise_no_csp_violations(reader, live_server, embed_article):
    page = reader
    page.context.route(
        "https://video.example.com/**",
        lambda route: route.fulfill(
            status=200, body="<p>Playing</p>", content_type="text/html"
        ),
    )
    publication_paths = [
        "/",
        embed_article.url,
        "/news/",
        "/tags/chips/",
        "/authors/",
        "/latest/",
        "/saved/",
        "/offline/",
        "/privacy/",
        "/privacy/choices/",
        "/no-such-page/",
    ]
    for path in publication_paths:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    page.goto(live_server.url + embed_article.url)
    page.click("text=Load content from Example Video")
    page.frame_locator("iframe.embed__frame").locator("p").wait_for()
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_editor_signs_in_with_the_deferred_token_and_the_admin_works(
    reader, live_server, live_publication
):
    factories.make_member("e@example.com", "a long passphrase", superuser=True)
    page = reader
    page.goto(live_server.url + "/admin/")
    page.fill("input[name=login]", "e@example.com")
    page.fill("input[name=password]", "a long passphrase")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    home = live_publication["home"]
    for path in (
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{live_publication['articles'][0].pk}/edit/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    assert page.errors == []


def test_share_panel_copies_the_link_and_stays_local(
    reader, live_server, embed_article
):
    page = reader
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + embed_article.url)
    own = urlsplit(live_server.url).netloc
    page.click("[data-share-copy]")
    page.locator("text=Link copied.").wait_for()
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == live_server.url + embed_article.url
    )
    assert hosts(page.requests) == {own}  # the share links load nothing
    assert page.locator(".share__links a").count() == 8
