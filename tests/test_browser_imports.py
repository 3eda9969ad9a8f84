"""A new publisher moves in: the admin's import, in a real browser, against
the real demo (`broadsheet demo`: web server, worker and scheduler as
separate processes), from upload to dry-run report to progress to redirects.
"""

import re
import time
import zipfile

import pytest
import requests
from PIL import Image

from broadsheet.imports.tests.wxr import item, write_uploads, wxr
from tests.conftest import SCREENSHOTS
from tests.processes import demo_server

EXTRA_POSTS = 150  # enough for the worker to take some seconds


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("import-demo")
    with demo_server(tmp_path) as demo:
        yield demo | {"tmp": tmp_path}


def export_files(tmp_path):
    extra = [
        item(
            1000 + n,
            f"Archive story number {n} about data centres",
            f"archive-story-{n}",
            content=f"<p>Story {n}: power use in data centres rose again.</p>",
            terms=[("category", "industry", "Industry")],
        )
        for n in range(EXTRA_POSTS)
    ]
    export = tmp_path / "wire.WordPress.xml"
    export.write_text(wxr(extra_items=extra), encoding="utf-8")
    uploads = write_uploads(tmp_path / "site")
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in uploads.rglob("*.png"):
            Image.open(path).verify()
            bundle.write(path, "wp-content/uploads/" + str(path.relative_to(uploads)))
    return export, archive


@pytest.mark.browser
def test_an_administrator_imports_a_wordpress_site(browser, demo):
    base = demo["base"]
    export, archive = export_files(demo["tmp"])
    email = re.search(r"ADMIN_EMAIL=(\S+)", demo["output"])[1]
    password = re.search(r"ADMIN_PASSWORD=(\S+)", demo["output"])[1]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/admin/")
    page.goto(base + "/admin/imports/")

    page.get_by_role("link", name="New import").click()
    page.get_by_role("radio", name="WordPress").check()
    page.set_input_files("#id_export", str(export))
    page.set_input_files("#id_media", str(archive))
    page.get_by_role("button", name="Upload and make a dry run").click()
    heading = page.locator("#run-status")
    heading.filter(has_text="Dry run finished").wait_for(timeout=120_000)
    report = page.locator(".import-report").inner_text()
    assert f"article: {9 + EXTRA_POSTS} created" in report
    assert "Gutenberg block “acme/poll”" in report
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-dry-run.png"), full_page=True)

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/imports/\d+/$"))
    seen = set()
    deadline = time.monotonic() + 300
    while "Finished" not in heading.inner_text():
        assert time.monotonic() < deadline, "the import did not finish"
        count = page.locator(".run-count")
        if count.count():
            seen.add(count.inner_text())
        time.sleep(0.2)
    total = 10 + EXTRA_POSTS
    # The page followed the worker: some count between the first and last.
    partial = [
        text
        for text in seen
        if (m := re.match(r"(\d+) of (\d+) items", text))
        and 0 < int(m[1]) < int(m[2]) == total
    ]
    assert partial, seen
    assert page.locator(".run-count").inner_text() == f"{total} of {total} items"
    assert "items a second" in page.locator(".run-rate").inner_text()
    assert page.get_by_role("link", name="Undo this import").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "import-finished.png"), full_page=True)
    context.close()

    # The old addresses lead to the new articles.
    for old, new in (
        ("/2026/05/chip-output-rises/", "/chip-output-rises/"),
        ("/?p=1007", "/archive-story-7/"),
        ("/category/industry/", "/industry/"),
    ):
        response = requests.get(base + old, allow_redirects=False, timeout=10)
        assert (response.status_code, response.headers["Location"]) == (301, new)
        assert requests.get(base + new, timeout=10).status_code == 200
