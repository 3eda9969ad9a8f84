"""The page view beacon in chromium: once per view, never on a prerender or
a back/forward cache restore, no cookie and no storage; then the dashboard
shows that session's figures."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from broadsheet.analytics import rollup
from broadsheet.analytics.models import Event
from broadsheet.analytics.wsgi import AudienceApp
from broadsheet.core import roles
from broadsheet.testing import factories
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, close_page, recording_page

pytestmark = pytest.mark.browser

BEACON = "/analytics/view"
# Headless chromium says so in its user agent, and is on the crawler list.
READER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

# Stands in for a prerendering browser: the page believes it is being
# prerendered until the test says it was shown.
PRERENDER = """
window.__shown = false;
Object.defineProperty(document, "prerendering", {get: () => !window.__shown});
window.__show = () => {
  window.__shown = true;
  document.dispatchEvent(new Event("prerenderingchange"));
};
"""
RESTORES = """
window.__restored = 0;
addEventListener("pageshow", (event) => { if (event.persisted) window.__restored++; });
"""


@pytest.fixture
def counting_server(live_server):
    """The live server with the audience layer around it, as broadsheet.wsgi has."""
    server = live_server.thread.httpd
    plain = server.get_app()
    server.set_app(AudienceApp(plain))
    yield live_server
    server.set_app(plain)


@pytest.fixture(scope="module")
def caching_browser(browser):
    """Chromium with its back/forward cache, which Playwright turns off by default."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield launched
    launched.close()


@pytest.fixture
def page(caching_browser):
    page = recording_page(caching_browser, user_agent=READER)
    page.context.add_init_script(RESTORES)
    yield page
    close_page(page)


def _beacons(page) -> list[str]:
    return [url for url in page.requests if url.endswith(BEACON)]


def _wait_for_beacons(page, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(_beacons(page)) < count and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # and no more come


def test_one_beacon_per_view_no_cookie_no_storage_and_the_dashboard_shows_it(
    page, browser, counting_server, live_publication
):
    base = counting_server.url
    first, second = live_publication["articles"][:2]
    page.goto(base + first.url)
    _wait_for_beacons(page, 1)
    assert len(_beacons(page)) == 1

    page.goto(base + second.url)
    _wait_for_beacons(page, 2)
    page.go_back(wait_until="commit")  # a restored page fires no load event
    page.wait_for_timeout(500)
    restored = page.evaluate("window.__restored")
    # Restored from the back/forward cache: the page was not viewed again.
    assert restored == 1, "chromium did not restore the page from its cache"
    assert len(_beacons(page)) == 2

    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.errors == []

    # Prerendered and never shown: nothing; shown: one.
    prerendered = recording_page(browser, user_agent=READER)
    prerendered.context.add_init_script(PRERENDER)
    try:
        prerendered.goto(base + first.url)
        prerendered.wait_for_timeout(700)
        assert _beacons(prerendered) == []
        prerendered.evaluate("window.__show()")
        prerendered.wait_for_timeout(500)
        assert len(_beacons(prerendered)) == 1
    finally:
        close_page(prerendered)

    # Server and beacon each saw the views of this session; after the
    # roll-up, each view counts once.
    assert Event.objects.filter(source="beacon").count() == 3
    rollup.roll_up(timezone.now() + timedelta(minutes=1))
    editor = factories.make_member("editor@example.com", display_name="Desk Lead")
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    client = Client()
    client.force_login(editor)
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**session, "url": base}])
    # A week, not today: the test may run across midnight (real clock).
    page.goto(base + "/admin/audience/?span=7d")
    totals = dict(
        zip(
            page.locator(".audience-totals dt").all_inner_texts(),
            page.locator(".audience-totals dd").all_inner_texts(),
            strict=True,
        )
    )
    assert totals["Page views"] == "3"
    assert (
        page.locator("#audience-articles ~ table").inner_text().count(first.title) == 1
    )
    assert page.locator(".audience-chart svg rect").count() >= 1
