"""The admin's "Today" panel: what is due in 48 hours and what waits, each a link."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.comments.models import Comment
from broadsheet.newsletter.models import Issue, IssueArticle, Subscriber
from broadsheet.newsroom.wagtail_hooks import _today
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def today_panel(client) -> str:
    html = client.get("/admin/").content.decode()
    start = html.index('id="today-heading"')
    return html[start : html.index("</section>", start)]


def test_today_lists_what_is_due_and_waiting_with_links(publication):
    now = timezone.now()
    article = publication["articles"][0]
    later = factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"][:1],
        title="Chip shortage explainer",
    )
    later.unpublish()
    later.save_revision(approved_go_live_at=now + timedelta(hours=5))
    daily = factories.make_newsletter("daily")
    issue = Issue.objects.create(
        newsletter=daily,
        subject="Tomorrow's briefing",
        items=[IssueArticle(article_id=article.pk)],
        scheduled_for=now + timedelta(hours=20),
        status=Issue.Status.SCHEDULED,
    )
    Issue.objects.create(
        newsletter=daily,
        subject="Next week",
        scheduled_for=now + timedelta(days=6),
        status=Issue.Status.SCHEDULED,
    )
    bounced = factories.make_subscriber("gone@example.com", daily, status="bounced")
    Subscriber.objects.filter(pk=bounced.pk).update(bounced_at=now - timedelta(hours=3))
    Comment.objects.create(
        article=article,
        author=factories.make_member("new@example.com"),
        body="A first comment",
        body_html="<p>A first comment</p>",
        status=Comment.Status.PENDING,
    )

    editor = Client()
    editor.force_login(factories.make_member("ed@example.com", superuser=True))
    panel = today_panel(editor)
    for expected in (
        f'href="/admin/pages/{later.pk}/edit/">Chip shortage explainer</a>',
        f'href="/admin/newsletters/issues/{issue.pk}/review/">Tomorrow&#x27;s briefing',
        'href="/admin/comments/">1 comment waiting for review</a>',
        "1 address bounced since yesterday</a>",
    ):
        assert expected in panel, expected
    assert "Next week" not in panel  # beyond 48 hours

    staff = factories.make_member("staff@example.com")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    plain = Client()
    plain.force_login(staff)
    assert "Nothing is scheduled in the next 48 hours" in today_panel(plain)


def test_review_items_name_the_writer_in_a_fixed_number_of_queries(
    publication, rf, django_user_model
):
    writer = django_user_model.objects.create_user(
        "noor", "noor@example.com", first_name="Noor", last_name="Writer"
    )
    writer.groups.add(Group.objects.get(name="Contributor"))
    review = factories.review_workflow()
    request = rf.get("/admin/")
    request.user = factories.make_member("ed@example.com", superuser=True)

    def submit(n):
        for number in range(n):
            draft = factories.make_article(
                publication["home"],
                publication["sections"][0],
                publication["authors"][:1],
                title=f"Draft {number}",
                owner=writer,
                live=False,
            )
            review.start(draft, writer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            items = _today(request, timezone.now())
        return items, len(captured)

    submit(1)
    items, one = queries()
    assert [i.text for i in items] == ["Draft 0, from Noor Writer"]
    submit(3)
    items, four = queries()
    assert len(items) == 4
    assert four == one
