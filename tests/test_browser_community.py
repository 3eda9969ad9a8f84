"""The readers' community in chromium, with mail through a real SMTP server:
register, confirm the address from the email, comment, wait for a moderator,
get approved, reply, and the other member is told by email."""

import re

import pytest

from broadsheet.comments.models import Comment
from broadsheet.comments.services import comment_post
from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS, close_page
from tests.conftest import recording_page as shared_recording_page

pytestmark = pytest.mark.browser

READER_NAME = "Rita Reader"
READER_EMAIL = "rita@example.com"
READER_PASSWORD = "correct horse battery staple"
MODERATOR_EMAIL = "moderator@example.com"
MODERATOR_PASSWORD = "a long moderator passphrase"
OTHER_EMAIL = "other@example.com"
CONFIRM_LINK = re.compile(r"(http://\S+/accounts/confirm-email/[^/\s]+/)")


def recording_page(browser):
    page = shared_recording_page(browser)
    page.context.set_default_timeout(10_000)
    return page


def poll(page, check, timeout_ms: int = 10_000, message: str = ""):
    """Wait until ``check()`` is truthy, polling from Python (CSP forbids eval)."""
    waited = 0
    while waited <= timeout_ms:
        result = check()
        if result:
            return result
        page.wait_for_timeout(100)
        waited += 100
    raise AssertionError(message or "condition never became true")


def assert_clean(page):
    """No script errors and no Content-Security-Policy violations on this page."""
    page.wait_for_load_state("networkidle")
    assert page.errors == [], page.url
    assert page.evaluate("window.__csp") == [], page.url


def mail_to(address: str):
    return lambda message: address in message.envelope_to


def test_a_new_reader_registers_comments_is_approved_and_replies(
    browser, reader, live_server, live_publication, smtp_server, settings
):
    article = live_publication["articles"][0]
    settings.BASE_URL = live_server.url  # links in mail lead back to this server
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0, "MIN_FILL_SECONDS": 0}
    moderator = factories.make_member(
        MODERATOR_EMAIL,
        MODERATOR_PASSWORD,
        display_name="Moderator Mo",
        superuser=True,
    )
    other = factories.make_member(
        OTHER_EMAIL, display_name="Other member", notify_replies=True
    )
    earlier = comment_post(
        author=other, article=article, text="An earlier comment worth answering."
    )
    assert earlier.status == Comment.Status.PUBLISHED
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 1}
    assert smtp_server.messages == []

    # 1. A new reader registers. The form has no token until they type.
    page = reader
    page.goto(live_server.url + "/accounts/signup/")
    assert page.get_attribute("input[name=csrfmiddlewaretoken]", "value") == ""
    assert page.context.cookies() == []
    page.fill("input[name=display_name]", READER_NAME)
    page.fill("input[name=email]", READER_EMAIL)
    page.fill("input[name=password1]", READER_PASSWORD)
    page.fill("input[name=password2]", READER_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert_clean(page)

    # 2. The verification email arrives over SMTP; its link confirms the address.
    verification = smtp_server.wait_for(mail_to(READER_EMAIL))
    assert verification["To"] == READER_EMAIL
    link = CONFIRM_LINK.search(verification.get_body(("plain",)).get_content())
    assert link, verification.get_body(("plain",)).get_content()
    assert link.group(1).startswith(live_server.url + "/accounts/confirm-email/")
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + "/accounts/profile/")
    assert (
        f"You have confirmed {READER_EMAIL}" in page.locator(".messages").inner_text()
    )
    assert f"Signed in as {READER_NAME}" in page.locator("main").inner_text()
    assert_clean(page)

    # Another day, a fresh session: they log in with email and password and
    # are taken back to the article. Again the token comes only when they type.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={article.url}")
    assert page.get_attribute("input[name=csrfmiddlewaretoken]", "value") == ""
    page.fill("input[name=login]", READER_EMAIL)
    page.fill("input[name=password]", READER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + article.url)
    assert_clean(page)

    # 3. Their first comment is held for a moderator, shown only to them.
    text = "A first comment from a brand new member."
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    held_pk = int(page.url.rsplit("#comment-", 1)[1])
    held = Comment.objects.get(pk=held_pk)
    assert held.status == Comment.Status.PENDING
    assert held.author.email == READER_EMAIL
    mine = page.locator(f"#comment-{held_pk}")
    assert text in mine.inner_text()
    assert "awaiting moderation" in mine.locator(".comment__held").inner_text()
    assert page.locator(".messages").count() == 0  # said once, on the comment
    assert_clean(page)
    # The moderators are told by email.
    alert = smtp_server.wait_for(mail_to(MODERATOR_EMAIL))
    assert alert["Subject"] == "A comment awaits review"

    # 4. An anonymous reader does not see it yet.
    anonymous = recording_page(browser)
    anonymous.goto(live_server.url + article.url)
    assert (
        "earlier comment worth answering" in anonymous.locator("#comments").inner_text()
    )
    assert anonymous.locator(f"#comment-{held_pk}").count() == 0
    assert text not in anonymous.content()
    assert anonymous.context.cookies() == []
    assert_clean(anonymous)

    # 5. A moderator signs in where members do, and approves it in the admin.
    staff = recording_page(browser)
    staff.goto(live_server.url + "/admin/login/")
    staff.wait_for_url(re.compile(r"/accounts/login/"))
    staff.fill("input[name=login]", MODERATOR_EMAIL)
    staff.fill("input[name=password]", MODERATOR_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url(live_server.url + "/admin/")  # back where they started
    badge = staff.locator(".sidebar-menu-item", has_text="Comments (1)")
    poll(staff, badge.count, message="no 'Comments (1)' in the admin menu")
    badge.first.locator("a").click()
    staff.wait_for_url(live_server.url + "/admin/comments/")
    row = staff.locator("tr", has_text=text)
    assert row.count() == 1
    assert "Awaiting moderation" in row.inner_text()
    assert READER_NAME in row.inner_text()
    row.get_by_role("button", name=f"Approve comment {held_pk}").click()
    staff.get_by_text("Approve: 1 done.").wait_for()
    assert staff.locator("tr", has_text=text).count() == 0  # off the review queue
    poll(
        staff,
        lambda: (
            staff.locator(".sidebar-menu-item", has_text="Comments").count()
            and not badge.count()
        ),
        message="the admin menu still counts a comment waiting",
    )
    assert staff.evaluate("window.__csp") == []
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert held.moderated_by == moderator
    assert staff.errors == []
    close_page(staff)

    # 6. Now everyone sees it.
    anonymous.reload()
    published = anonymous.locator(f"#comment-{held_pk}")
    assert text in published.inner_text()
    assert published.locator(".comment__held").count() == 0
    assert anonymous.context.cookies() == []
    assert_clean(anonymous)
    close_page(anonymous)

    # 7. The reader answers the other member in place; it publishes at once.
    answer = "Thanks, I had not thought of it that way."
    page.goto(live_server.url + article.url)
    earlier_block = page.locator(f"#comment-{earlier.pk} > .comment__inner")
    earlier_block.locator("[data-reply-to]").click()
    assert earlier_block.locator("#comment-form").count() == 1  # moved under it
    assert page.input_value("#comment-form input[name=reply_to]") == str(earlier.pk)
    assert page.locator("[data-reply-cancel]").is_visible()
    assert page.evaluate("document.activeElement.name") == "text"
    page.keyboard.type(answer)  # into the reply box, which has the focus
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    reply_pk = int(page.url.rsplit("#comment-", 1)[1])
    reply = Comment.objects.get(pk=reply_pk)
    assert reply.status == Comment.Status.PUBLISHED
    assert (reply.reply_to_id, reply.parent_id) == (earlier.pk, earlier.pk)
    assert "Your comment is published." in page.locator(".messages").inner_text()
    nested = page.locator(
        f"#comment-{earlier.pk} .comment-list--replies #comment-{reply_pk}"
    )
    assert answer in nested.inner_text()
    assert_clean(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments.png"))

    # 8. The other member is told by email, with a link to the reply.
    notice = smtp_server.wait_for(mail_to(OTHER_EMAIL))
    assert notice["To"] == OTHER_EMAIL
    assert READER_NAME in notice["Subject"]
    assert notice["Subject"] == f"{READER_NAME} replied to your comment"
    plain = notice.get_body(("plain",))
    html = notice.get_body(("html",))
    assert plain is not None and html is not None
    reply_url = f"{live_server.url}{article.url}#comment-{reply_pk}"
    assert reply_url in plain.get_content()
    assert answer in plain.get_content()
    assert f'href="{reply_url}"' in html.get_content()
    reply.refresh_from_db()
    assert reply.reply_notified_at is not None
    # Exactly one reply notice, to the member answered, and none to the reader.
    assert [m for m in smtp_server.messages if "replied" in m["Subject"]] == [notice]
    assert not [
        m
        for m in smtp_server.messages
        if READER_EMAIL in m.envelope_to and m is not verification
    ]

    # The link in the mail opens the article at the reply.
    recipient = recording_page(browser)
    recipient.goto(reply_url)
    assert answer in recipient.locator(f"#comment-{reply_pk}").inner_text()
    assert recipient.evaluate("location.hash") == f"#comment-{reply_pk}"
    assert_clean(recipient)
    close_page(recipient)
