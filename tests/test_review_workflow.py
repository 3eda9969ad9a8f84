"""A contributor's article goes through review, end to end, with the mail
through a real SMTP server: submitted, the editor is told; changes are
requested with a comment, the contributor is told; resubmitted, approved,
published, and the contributor is told."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from broadsheet.core import roles
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories
from broadsheet.testing.admin_forms import add_url, article_form, existing_bylines

pytestmark = pytest.mark.django_db

SUBMIT = {"action-submit": "action-submit"}


def staff(email: str, role: str) -> Client:
    user = factories.make_member(email)
    user.groups.add(Group.objects.get(name=role))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.user = user
    return client


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def act(client, page, action, comment=""):
    task_state = page.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]
    )
    return client.post(url, {"comment": comment})


def test_a_contributors_article_is_reviewed_rejected_resubmitted_and_published(
    publication, smtp_server, django_capture_on_commit_callbacks
):
    factories.review_workflow()
    writer = staff("writer@example.com", roles.CONTRIBUTOR)
    editor = staff("desk@example.com", roles.EDITOR)
    readers = Client()

    # Submitted: the editor is told, the article waits, readers see nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(
            add_url(publication), article_form(publication, slug="fab-deal", **SUBMIT)
        )
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="fab-deal")
    assert not page.live
    assert page.workflow_in_progress
    [submitted] = smtp_server.to("desk@example.com")
    assert "Chip makers meet" in submitted["Subject"]
    assert f"/admin/pages/{page.pk}/" in body(submitted)
    assert smtp_server.to("writer@example.com") == []
    assert readers.get(page.url).status_code == 404

    # Changes requested, with a comment that reaches the writer.
    with django_capture_on_commit_callbacks(execute=True):
        response = act(editor, page, "reject", "Please name the five suppliers.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    [rejected] = smtp_server.to("writer@example.com")
    assert "Please name the five suppliers." in body(rejected)
    assert not page.live

    # Resubmitted with the change: the editor is told again.
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            article_form(
                publication,
                slug="fab-deal",
                standfirst="Five named suppliers want one way to stack memory.",
                article_authors=existing_bylines(page),
                **SUBMIT,
            ),
        )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert len(smtp_server.to("desk@example.com")) == 2

    # Approved: published, readers see the new standfirst, the writer is told.
    with django_capture_on_commit_callbacks(execute=True):
        response = act(editor, page, "approve")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    article = readers.get(page.url)
    assert article.status_code == 200
    assert "Five named suppliers" in article.content.decode()
    approved = smtp_server.to("writer@example.com")[-1]
    assert re.search(r"approved", approved["Subject"], re.IGNORECASE)
    # Every message went out through the worker's task, over SMTP.
    assert all(m["Auto-Submitted"] == "auto-generated" for m in smtp_server.messages)


def test_a_contributor_cannot_publish_by_posting_the_publish_button(
    publication, django_capture_on_commit_callbacks
):
    writer = staff("writer@example.com", roles.CONTRIBUTOR)
    with django_capture_on_commit_callbacks(execute=True):
        writer.post(
            add_url(publication),
            article_form(
                publication, slug="sneaky", **{"action-publish": "action-publish"}
            ),
        )
    page = ArticlePage.objects.get(slug="sneaky")
    assert not page.live
    assert Client().get(page.url).status_code == 404
