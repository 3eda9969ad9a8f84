"""The installable app in chromium: manifest, service worker, offline reading,
Save for later, private pages kept out of the cache, and bad stored data."""

import time

import pytest
from django.test import Client

pytestmark = pytest.mark.browser

CACHED_URLS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      found.push(name + " " + new URL(request.url).pathname);
    }
  }
  return found;
}"""


def wait_for(page, script: str, timeout: float = 15.0):
    """Poll ``script`` until it is truthy. (Playwright's wait_for_function
    evaluates strings with eval, which our Content-Security-Policy forbids.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        time.sleep(0.2)
    raise AssertionError(f"never true: {script}")


def wait_for_worker(page):
    wait_for(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")


def sign_in(page, live_server, user_model):
    """Give the browser a member's session, as logging in would."""
    member = user_model.objects.create_user("member", "m@example.com", "pw")
    client = Client()
    client.force_login(member)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def cached(page) -> list[str]:
    return page.evaluate(CACHED_URLS)


def wait_until_cached(page, cache_name, path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f"{cache_name} {path}" in cached(page):
            return
        time.sleep(0.2)
    raise AssertionError(f"{path} never reached {cache_name}: {cached(page)}")


def test_app_installs_and_articles_can_be_read_offline(
    reader, live_server, live_publication, django_user_model
):
    page = reader
    first, second, private = (a.url for a in live_publication["articles"][:3])

    page.goto(live_server.url + "/")
    manifest_href = page.get_attribute('link[rel="manifest"]', "href")
    manifest = page.evaluate("href => fetch(href).then(r => r.json())", manifest_href)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    wait_for_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith(
        "/sw.js"
    )
    page.reload()  # now through the worker, which keeps the start URL
    wait_until_cached(page, "bs-pages", "/")
    shell = [entry for entry in cached(page) if entry.startswith("bs-shell-")]
    assert any(entry.endswith(" /offline/") for entry in shell)
    assert any(entry.endswith(" /saved/") for entry in shell)

    # Read one article online: it is kept for offline reading.
    page.goto(live_server.url + first)
    headline = page.locator("h1").inner_text()
    wait_until_cached(page, "bs-pages", first)

    # Save another for later.
    page.goto(live_server.url + second)
    saved_headline = page.locator("h1").inner_text()
    page.click("[data-save-article]")
    assert page.get_attribute("[data-save-article]", "aria-pressed") == "true"
    wait_until_cached(page, "bs-saved", second)

    page.context.set_offline(True)
    page.goto(live_server.url + first)
    assert page.locator("h1").inner_text() == headline
    assert page.locator("aside.takeaways li").count() == 2
    page.goto(live_server.url + "/")  # the start URL opens offline
    assert page.locator(".card__title").count() > 0
    page.goto(live_server.url + "/saved/")
    page.click(f'[data-saved-items] a[href="{second}"]')
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == saved_headline
    page.goto(live_server.url + "/tags/never-visited/")
    assert "You’re offline" in page.locator("h1").inner_text()
    page.context.set_offline(False)

    # A logged-in reader's pages are private: never stored.
    sign_in(page, live_server, django_user_model)
    response = page.goto(live_server.url + private)
    assert "private" in response.headers["cache-control"]
    page.goto(live_server.url + "/")
    time.sleep(0.5)
    assert not [entry for entry in cached(page) if entry.endswith(" " + private)]
    assert page.errors == []


def test_bad_stored_data_and_a_stale_worker_do_not_break_pages(
    reader, live_server, live_publication, settings
):
    page = reader
    article = live_publication["articles"][0].url
    page.goto(live_server.url + "/")
    wait_for_worker(page)

    # A leftover cache from an older version is removed when a new worker activates.
    shell_before = [
        n for n in page.evaluate("caches.keys()") if n.startswith("bs-shell-")
    ]
    page.evaluate(
        "caches.open('bs-shell-oldversion').then(c => c.put('/x', new Response('old')))"
    )
    import broadsheet

    old_version = broadsheet.__version__
    broadsheet.__version__ = old_version + "-next"
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        wait_for(
            page,
            """async () => {
                const names = await caches.keys();
                return !names.includes('bs-shell-oldversion')
                    && names.filter(n => n.startsWith('bs-shell-')).length === 1;
            }""",
        )
    finally:
        broadsheet.__version__ = old_version
    shell_after = [
        n for n in page.evaluate("caches.keys()") if n.startswith("bs-shell-")
    ]
    assert shell_after != shell_before
    page.goto(live_server.url + article)
    assert page.locator("h1").is_visible()

    # Corrupt, oversized and wrongly shaped saved lists are repaired.
    for bad in [
        "{not json",
        "x" * 300_000,
        '{"url": "/a/"}',
        '[{"url": "//evil.example/", "title": "x"}, 7, null]',
    ]:
        page.evaluate("value => localStorage.setItem('bs:saved', value)", bad)
        page.goto(live_server.url + "/saved/")
        assert page.locator("[data-saved-empty]").is_visible(), bad
        assert page.locator("[data-saved-reset]").is_visible(), bad
        page.goto(live_server.url + article)
        assert page.locator("[data-save-article]").is_visible()
    page.click("[data-save-article]")
    page.goto(live_server.url + "/saved/")
    assert page.locator("[data-saved-items] li").count() == 1

    # A tampered consent value is ignored: nothing loads without a click.
    for tampered in ['{"v":1,"embeds":{"YouTube":"yes"}}', "]]]", '{"v":2}', '"all"']:
        page.evaluate("value => localStorage.setItem('bs:consent', value)", tampered)
        page.goto(live_server.url + "/privacy/choices/")
        assert page.locator('[data-choice="YouTube"] input[value="ask"]').is_checked()
    assert page.errors == []


def test_install_prompt_appears_only_when_offered_and_can_be_dismissed_for_good(
    reader, live_server, live_publication
):
    page = reader
    offer = """() => {
        const event = new Event("beforeinstallprompt", {cancelable: true});
        event.prompt = () => { window.__prompted = true; };
        window.dispatchEvent(event);
    }"""
    page.goto(live_server.url + "/")
    banner = page.locator("[data-install]")
    assert banner.is_hidden()  # the browser has not said the site is installable
    page.evaluate(offer)
    assert banner.is_visible()
    page.click("[data-install-accept]")
    assert page.evaluate("window.__prompted") is True
    assert banner.is_hidden()

    page.reload()
    page.evaluate(offer)
    page.click("[data-install-dismiss]")
    page.reload()
    page.evaluate(offer)
    assert banner.is_hidden()  # dismissed for good
    assert page.errors == []


def test_offline_copies_are_bounded_oldest_first(
    reader, live_server, live_publication, settings
):
    settings.OFFLINE_MAX_PAGES = 3
    page = reader
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    urls = [article.url for article in live_publication["articles"][:5]]
    for url in urls:
        page.goto(live_server.url + url)
        wait_until_cached(page, "bs-pages", url)
    kept = [
        entry.split(" ", 1)[1]
        for entry in cached(page)
        if entry.startswith("bs-pages ")
    ]
    assert kept == urls[-3:]
    # Opening an old page again makes it the newest.
    page.goto(live_server.url + urls[2])
    wait_for(page, "true")
    time.sleep(0.5)
    kept = [
        entry.split(" ", 1)[1]
        for entry in cached(page)
        if entry.startswith("bs-pages ")
    ]
    assert kept == [urls[3], urls[4], urls[2]]


def test_saved_copies_follow_the_list_and_private_pages_are_never_kept(
    reader, live_server, live_publication, django_user_model
):
    page = reader
    article = live_publication["articles"][0].url
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    page.goto(live_server.url + article)
    page.click("[data-save-article]")
    wait_until_cached(page, "bs-saved", article)

    def saved_assets():
        saved = [entry for entry in cached(page) if entry.startswith("bs-saved ")]
        images = any("/media/images/" in entry for entry in saved)
        return images and any("/static/css/" in entry for entry in saved)

    # The page is stored first, its images and stylesheet a moment later.
    deadline = time.monotonic() + 5
    while not saved_assets() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert saved_assets()

    page.goto(live_server.url + "/saved/")
    page.click("[data-saved-items] button")
    assert "Removed" in page.locator("[data-saved-status]").inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-saved-heading')")
    deadline = time.monotonic() + 5
    while [
        e for e in cached(page) if e.startswith("bs-saved ")
    ] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [e for e in cached(page) if e.startswith("bs-saved ")] == []

    # Signed in, the article is private: saving it keeps nothing.
    sign_in(page, live_server, django_user_model)
    page.goto(live_server.url + article)
    page.click("[data-save-article]")
    page.locator("text=This page cannot be kept offline.").wait_for()
    assert page.get_attribute("[data-save-article]", "aria-pressed") == "false"
    assert [e for e in cached(page) if e.startswith("bs-saved ")] == []

    page.goto(live_server.url + "/privacy/choices/")
    page.click("[data-forget-all]")
    page.locator("text=Nothing from this site is stored").wait_for()
    names = page.evaluate("caches.keys()")
    assert all(name.startswith("bs-shell-") for name in names)
    assert page.evaluate("localStorage.length") == 0
    assert page.errors == []


def test_script_modules_load_once_each_and_are_saved_with_the_article(
    reader, live_server, live_publication
):
    from broadsheet.core import scripts

    page = reader
    article = live_publication["articles"][0].url
    modules = [f"/static/{path}" for path in (scripts.ENTRY, *scripts.MODULES)]
    page.goto(live_server.url + article)
    assert page.evaluate("document.documentElement.classList.contains('js')")
    fetched = [url.removeprefix(live_server.url) for url in page.requests]
    assert sorted(url for url in fetched if url.startswith("/static/js/")) == sorted(
        modules
    )  # preloaded and imported, each fetched once
    wait_for_worker(page)
    shell = {e.split(" ", 1)[1] for e in cached(page) if e.startswith("bs-shell-")}
    assert set(modules) <= shell

    page.click("[data-save-article]")
    for module in modules:  # so the saved copy keeps working after an update
        wait_until_cached(page, "bs-saved", module)
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
