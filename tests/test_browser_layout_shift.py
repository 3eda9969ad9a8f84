"""Pages keep still while they load: cumulative layout shift under 0.05.

Measured in the browser with a PerformanceObserver for "layout-shift"
entries (buffered, so shifts before the observer started count too),
at a phone's and a desktop's width, on the home page and an article.

The script's late changes are part of loading: its modules reveal buttons
(save for later, share) and, when the browser offers installation (as
Chromium does when Lighthouse checks the page), the install banner. The
test makes that offer itself, as test_browser_app.py does.
"""

import pytest

CLS_LIMIT = 0.05

OFFER_INSTALL = """() => {
  const event = new Event("beforeinstallprompt", {cancelable: true});
  event.prompt = () => {};
  window.dispatchEvent(event);
}"""

# Run after the page has loaded and settled; no inline script on the page
# itself (strict CSP): Playwright evaluates this in its own world.
MEASURE = """() => new Promise((resolve) => {
  let total = 0;
  const shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      total += entry.value;
      shifts.push({
        value: entry.value,
        nodes: entry.sources.map((s) => s.node && s.node.outerHTML
          ? s.node.outerHTML.slice(0, 120) : String(s.node)),
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve({ total, shifts }), 1000);
})"""


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("which", ["home", "article"])
def test_pages_do_not_shift_while_loading(
    browser, live_server, live_publication, width, height, which
):
    url = "/" if which == "home" else live_publication["articles"][0].url
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + url, wait_until="load")
    page.wait_for_load_state("networkidle")
    # The modules have run (they mark the page), then the browser offers.
    page.wait_for_function("document.documentElement.classList.contains('js')")
    page.evaluate(OFFER_INSTALL)
    assert page.locator("[data-install]").is_visible()
    if which == "article":
        assert page.locator("[data-save-article]").is_visible()
    result = page.evaluate(MEASURE)
    context.close()
    assert result["total"] < CLS_LIMIT, result
