"""A reader searches: suggestions while typing, results, a filter, a result
opened; on that article, the podcast box and one of its platform links.
On a phone the masthead stays compact, and search works without JavaScript."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

APPLE = "https://podcasts.apple.com/podcast/id123"


@pytest.fixture
def searchable(live_publication):
    publication = live_publication
    # Published on a real commit: the index task runs (immediately, in tests).
    for section, title in (
        (0, "Chip makers race to build smaller transistors"),
        (1, "Why transistors stopped getting cheaper"),
    ):
        factories.make_article(
            publication["home"],
            publication["sections"][section],
            publication["authors"][:1],
            title=title,
        )
    show = factories.make_show(publication["home"])
    factories.make_episode(
        show, title="Chips, explained", number=1, release_date=timezone.now()
    )
    return publication


def test_a_reader_searches_filters_opens_a_result_and_picks_a_platform(
    reader, live_server, searchable
):
    page = reader
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("transis", delay=40)
    suggestion = page.get_by_role("option", name="Why transistors stopped")
    suggestion.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press_sequentially("tors", delay=40)
    box.press("Escape")
    box.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/search/?q=transistors"))
    results = page.locator(".search-result__title")
    assert results.count() == 2
    assert page.locator("mark").first.inner_text().lower() == "transistors"
    page.screenshot(path=str(SCREENSHOTS / "search-results.png"), full_page=True)

    page.locator(".facet").filter(has_text="Section").get_by_role(
        "link", name="Analysis"
    ).click()
    page.wait_for_url(lambda url: "section=analysis" in url)
    assert results.count() == 1
    results.get_by_role("link").click()
    page.wait_for_url(live_server.url + "/test-article-*/")
    assert page.locator("h1").inner_text() == "Why transistors stopped getting cheaper"
    assert {urlsplit(url).netloc for url in page.requests} == {
        urlsplit(live_server.url).netloc
    }

    promo = page.locator(".podcast-promo")
    promo.get_by_role("link", name="Chips, explained").wait_for()
    # The platform is another site: answer for it here, since this machine
    # reaches nothing beyond itself, and check the browser went there.
    page.route(APPLE, lambda route: route.fulfill(body="<title>Apple</title>"))
    promo.get_by_role("link", name="Apple Podcasts").click()
    page.wait_for_url(APPLE)
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_the_phone_masthead_is_compact_and_search_works_without_script(
    browser, live_server, searchable
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        masthead = page.locator(".masthead").bounding_box()
        assert masthead["height"] <= 844 / 5, masthead
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways"
        nav = page.locator(".site-nav__list")
        assert nav.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        page.screenshot(path=str(SCREENSHOTS / "masthead-390.png"))
        page.get_by_role("searchbox", name="Search").fill("cheaper")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(lambda url: url.endswith("/search/?q=cheaper"))
        assert page.locator(".search-result__title").count() == 1
    finally:
        context.close()
