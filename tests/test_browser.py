"""A reader's journey in a real browser: Debian's chromium driven by Playwright.

Without chromium the tests are skipped with a message, except under CI
(CI=true), where a missing browser is a failure.
"""

from urllib.parse import urlsplit

import pytest

from tests.conftest import SCREENSHOTS


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_reader_goes_from_home_to_an_article(
    browser, live_server, live_publication, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    lead = page.locator(".card--lead .card__title a")
    headline = lead.inner_text()
    lead.click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == headline
    takeaways = page.locator("aside.takeaways")
    assert takeaways.is_visible()
    assert takeaways.locator("h2").inner_text().lower() == "key takeaways"
    assert takeaways.locator("li").all_inner_texts() == [
        "The first point.",
        "The second point.",
    ]
    # The hero image has loaded, inside a box that kept its shape.
    hero = page.locator(".article__hero img")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"article-{width}.png"), full_page=True)
    # Keyboard users can skip to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert hosts == {urlsplit(live_server.url).netloc}, hosts  # nothing third-party
    assert context.cookies() == []
    context.close()
