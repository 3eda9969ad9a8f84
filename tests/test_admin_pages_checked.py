"""The admin pages Broadsheet adds are valid HTML (Nu HTML Checker) and pass
axe's WCAG 2.2 AA rules, each in the state an editor meets it in: with
items to act on, with a form's errors, and refused.

Wagtail's own screens are Wagtail's to check. Ours are the dashboard's
"Today" panel, the audience figures, the publishing checks above the
article editor, staff invitations, the comment queue, the newsletter
desk's review, send and import pages, and the imports' upload, dry-run
report and progress pages.
The browser test also saves screenshots of each at phone and desktop width
(var/screenshots/admin-*.png).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from broadsheet.analytics import counting, rollup
from broadsheet.comments.models import Comment
from broadsheet.core import roles
from broadsheet.imports.models import ImportRun
from broadsheet.newsletter.models import Issue, IssueArticle
from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS, close_page, nu_errors

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def admin_world(publication) -> dict:
    """Something on every screen: a scheduled article, one in review, a
    comment waiting, a draft issue, a sent one and an empty one."""
    now = timezone.now()
    home, section, authors = (
        publication["home"],
        publication["sections"][0],
        publication["authors"],
    )
    scheduled = factories.make_article(home, section, authors, live=False)
    scheduled.go_live_at = now + timedelta(hours=5)
    scheduled.save_revision().publish()
    writer = factories.make_member("writer@example.com", display_name="Writer")
    writer.groups.add(Group.objects.get(name=roles.CONTRIBUTOR))
    in_review = factories.make_article(home, section, authors, live=False, owner=writer)
    factories.review_workflow().start(in_review, writer)
    # An article with problems, for the publishing checks.
    rough = factories.make_article(home, section, [], title="Rough " + "x" * 120)
    Comment.objects.create(
        article=publication["articles"][0],
        author=factories.make_member("ada@example.com", display_name="Ada"),
        body="Is this held?",
        status=Comment.Status.PENDING,
    )
    daily = factories.make_newsletter("daily")
    factories.make_subscriber("one@example.com", daily)
    article = publication["articles"][0]
    draft = Issue.objects.create(
        newsletter=daily,
        subject="Morning",
        items=[IssueArticle(article=article)],
        scheduled_for=now + timedelta(hours=3),
    )
    empty = Issue.objects.create(
        newsletter=daily, subject="Empty", scheduled_for=now + timedelta(days=1)
    )
    sent = Issue.objects.create(
        newsletter=daily,
        subject="Yesterday",
        items=[IssueArticle(article=article)],
        scheduled_for=now - timedelta(days=1),
        status=Issue.Status.SENT,
        sent_at=now - timedelta(days=1),
    )
    plan = ImportRun.objects.create(
        platform="wordpress",
        file_name="wire.xml",
        dry_run=True,
        status=ImportRun.Status.PLANNED,
        items_total=10,
        items_done=10,
        report="Dry run of a wordpress export\n\nCounts:\n  article: 9 created\n",
    )
    running = ImportRun.objects.create(
        platform="ghost",
        file_name="site.json",
        status=ImportRun.Status.RUNNING,
        started_at=now - timedelta(seconds=10),
        heartbeat_at=now,
        items_total=400,
        items_done=120,
    )
    reader = {
        "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/133.0",
        "REMOTE_ADDR": "192.0.2.1",
    }
    counting.count_server_view(
        {**reader, "PATH_INFO": article.url, "QUERY_STRING": "utm_campaign=spring"}
    )
    rollup.roll_up(now + timedelta(minutes=1))
    return {
        "dashboard": "/admin/",
        "audience": "/admin/audience/?span=today",
        "imports": "/admin/imports/",
        "imports-new": "/admin/imports/new/",
        "imports-plan": f"/admin/imports/{plan.pk}/",
        "imports-running": f"/admin/imports/{running.pk}/",
        "publishing-checks": f"/admin/pages/{rough.pk}/edit/",
        "article-audience": f"/admin/pages/{article.pk}/edit/",
        "invite": "/admin/staff/invite/",
        "comments": "/admin/comments/",
        "issue-review": f"/admin/newsletters/issues/{draft.pk}/review/",
        "issue-send": f"/admin/newsletters/issues/{draft.pk}/send/",
        "issue-empty-send": f"/admin/newsletters/issues/{empty.pk}/send/",
        "issue-sent": f"/admin/newsletters/issues/{sent.pk}/review/",
        "import": "/admin/newsletters/subscribers/import/",
    }


def administrator():
    user = factories.make_member("chief@example.com", display_name="Chief")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


# Wagtail screens with a part of ours in them: the id of our part.
OURS_WITHIN = {
    "publishing-checks": "publishing-checks",
    "article-audience": "editor-notes",
}


def fragment_page(html: str, element_id: str) -> str:
    """A page holding only the element with ``element_id`` (no nested divs)."""
    start = html.index(f'id="{element_id}"')
    start = html.rindex("<div", 0, start)
    end = html.index("</div>", start) + len("</div>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{element_id}</title></head><body>{html[start:end]}</body></html>"
    )


BAD_INVITATION = {"email": "not an address", "first_name": "", "role": "Owner"}


@pytest.mark.django_db
def test_our_admin_pages_are_valid_html(publication, tmp_path, checker):
    urls = admin_world(publication)
    client = Client()
    client.force_login(administrator())
    files = []
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        if name in OURS_WITHIN:  # only our part of a Wagtail screen
            html = fragment_page(html, OURS_WITHIN[name])
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html)
    invalid = client.post(urls["invite"], BAD_INVITATION)
    assert invalid.status_code == 400
    files.append(tmp_path / "invite-errors.html")
    files[-1].write_bytes(invalid.content)
    invalid = client.post(urls["imports-new"], {"platform": "ghost"})
    assert invalid.status_code == 400
    files.append(tmp_path / "imports-errors.html")
    files[-1].write_bytes(invalid.content)
    assert nu_errors(checker, [str(f) for f in files]) == []


@pytest.mark.browser
def test_our_admin_pages_pass_axe_at_phone_and_desktop_width(
    browser, live_server, live_publication, axe_source
):
    urls = admin_world(live_publication)
    client = Client()
    client.force_login(administrator())
    cookie = {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for width, height in ((390, 844), (1280, 900)):
        # axe is injected as a script: the admin's CSP would refuse it.
        context = browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=True
        )
        context.add_cookies([cookie])
        page = context.new_page()
        visits = [(name, url, None) for name, url in urls.items()]
        visits.append(("invite-errors", urls["invite"], BAD_INVITATION))
        for name, url, post in visits:
            page.goto(live_server.url + url)
            if post:
                page.fill("#id_email", post["email"])
                page.get_by_role("button", name="Send the invitation").click()
                page.wait_for_load_state()
            selector = "#" + OURS_WITHIN[name] if name in OURS_WITHIN else "main"
            assert page.locator(selector).count() == 1, (name, width, page.url)
            page.add_script_tag(content=axe_source)
            result = page.evaluate(
                """([selector, tags]) => axe.run(document.querySelector(selector),
                       {runOnly: {type: 'tag', values: tags}})""",
                [selector, WCAG_AA],
            )
            assert result["passes"], f"axe checked nothing on {name}"
            for violation in result["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                failures.append(f"{name}@{width}: {violation['id']} {targets}")
            page.screenshot(
                path=str(SCREENSHOTS / f"admin-{name}-{width}.png"), full_page=True
            )
        close_page(page)
    assert failures == []
