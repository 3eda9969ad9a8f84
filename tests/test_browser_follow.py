"""A reader follows a topic: from the tag page to the Follow page, where a
button copies the topic's feed address (a plain read-only field without
JavaScript)."""

from urllib.parse import urlsplit

import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_a_reader_copies_a_topics_feed_address(reader, live_server, live_publication):
    page = reader
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + "/tags/chips/")
    page.get_by_role("link", name="Follow Chips").click()
    page.wait_for_url(live_server.url + "/follow/tag/chips/")
    first = page.locator("[data-copy-scope]").first
    first.get_by_role("button", name="Copy address").click()
    first.locator("text=Address copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + "/feeds/tag/chips.xml"
    page.screenshot(path=str(SCREENSHOTS / "follow-tag.png"), full_page=True)
    assert {urlsplit(url).netloc for url in page.requests} == {
        urlsplit(live_server.url).netloc
    }
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
