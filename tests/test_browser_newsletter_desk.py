"""The newsletter desk in chromium, with mail through a real SMTP server:
compose from the latest articles, remove and reorder, preview, send a test,
confirm, send; the sent issue is read-only with its figures."""

import pytest
from django.test import Client

from broadsheet.newsletter.models import Delivery, Issue
from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_compose_reorder_preview_test_confirm_and_send(
    reader, live_server, live_publication, smtp_server, settings, django_user_model
):
    settings.BASE_URL = live_server.url
    daily = factories.make_newsletter("daily")
    for n in range(2):
        factories.make_subscriber(f"reader{n}@example.com", daily)
    editor = django_user_model.objects.create_superuser(
        "ed", "ed@example.com", "a long passphrase"
    )
    client = Client()
    client.force_login(editor)
    reader.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = reader
    newest_first = sorted(
        live_publication["articles"], key=lambda a: a.first_published_at, reverse=True
    )

    # 1. "Add issue" opens with the articles since the last issue.
    page.goto(f"{live_server.url}/admin/snippets/newsletter/issue/add/")
    children = page.locator("[data-inline-panel-child]:not(.deleted)")
    assert children.count() == len(newest_first)
    # 2. Remove the first, move the (new) first one down, save.
    page.click("#id_items-0-DELETE-button")
    page.locator("#inline_child_items-1 [data-inline-panel-child-move-down]").click()
    page.screenshot(
        path=str(SCREENSHOTS / "newsletter-desk-compose.png"), full_page=True
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/snippets/newsletter/issue/**")
    issue = Issue.objects.get()
    a = [article.pk for article in newest_first]
    assert issue.article_ids == [a[2], a[1], *a[3:]]

    # 3. Preview beside the editor, as subscribers get it.
    page.goto(f"{live_server.url}/admin/snippets/newsletter/issue/edit/{issue.pk}/")
    page.click('[data-side-panel-toggle="preview"]')
    frame = page.frame_locator("#w-preview-iframe")
    frame.get_by_text(newest_first[2].title).first.wait_for(timeout=20_000)
    page.get_by_label("Preview at desktop width").check()

    # 4. A test to the editor, then "Send now…", which asks first.
    page.goto(f"{live_server.url}/admin/newsletters/issues/{issue.pk}/review/")
    page.get_by_role("button", name="Send a test to ed@example.com").click()
    test = smtp_server.wait_for(lambda m: m["Subject"].startswith("[Test] "))
    assert test["To"] == "ed@example.com"
    page.get_by_role("button", name="Send now…").click()
    page.wait_for_url(f"**/admin/newsletters/issues/{issue.pk}/send/")
    assert "Daily briefing" in page.inner_text("main")
    assert Delivery.objects.count() == 0  # asking sent nothing
    page.screenshot(
        path=str(SCREENSHOTS / "newsletter-desk-confirm.png"), full_page=True
    )
    page.get_by_role("button", name="Send to 2 subscribers").click()
    page.get_by_text("Sending to 2 subscribers.").wait_for()
    for n in range(2):
        smtp_server.wait_for(lambda m, n=n: f"reader{n}@example.com" in m.envelope_to)

    # 5. Sent: read-only, with its figures.
    page.reload()
    main = page.inner_text("main")
    assert "can no longer be changed" in main
    assert page.get_by_role("button", name="Send now…").count() == 0
    sent_row = page.get_by_role("row", name="Sent")
    assert sent_row.inner_text().split()[-1] == "2"

    # 6. An empty issue cannot be sent.
    empty = Issue.objects.create(
        newsletter=daily, subject="Nothing", scheduled_for=issue.scheduled_for
    )
    page.goto(f"{live_server.url}/admin/newsletters/issues/{empty.pk}/send/")
    assert "This issue has no articles." in page.inner_text("main")
    assert page.get_by_role("button", name="Send to 2 subscribers").count() == 0
    assert page.errors == []
