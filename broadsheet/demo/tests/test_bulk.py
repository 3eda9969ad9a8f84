"""The bulk archive loader leaves a valid page tree and readable articles."""

import json
import re

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from wagtail.models import Page

from broadsheet.comments.models import Comment
from broadsheet.demo import bulk
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def test_bulk_articles_are_valid_pages_readers_can_open(client):
    factories.ensure_wagtail_roots()
    before = ArticlePage.objects.count()
    assert bulk.load(before + 40) == 40
    assert bulk.load(before + 40) == 0  # topped up already
    problems = Page.find_problems()
    assert all(not found for found in problems), problems
    article = ArticlePage.objects.filter(slug__startswith="archive-").last()
    assert article.authors and article.tags.exists()
    assert "Analysts tracking" in article.body_text()
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_bulk_articles_have_their_revision_and_can_be_searched_and_edited(
    client, django_user_model
):
    factories.ensure_wagtail_roots()
    before = ArticlePage.objects.count()
    shown = []
    assert bulk.load(before + 7, progress=lambda *done: shown.append(done)) == 7
    assert shown == [(before, before + 7), (before + 7, before + 7)]
    article = ArticlePage.objects.filter(slug__startswith="archive-").last()
    revision = article.live_revision
    assert revision is not None and article.latest_revision_id == revision.pk
    # The revision holds what Wagtail itself would have saved for the page.
    saved = json.loads(json.dumps(article.serializable_data(), cls=DjangoJSONEncoder))
    for changed_since in ("latest_revision", "live_revision"):
        saved.pop(changed_since), revision.content.pop(changed_since)
    for stream in ("body", "takeaways"):  # JSON text: PostgreSQL reorders keys
        saved[stream] = json.loads(saved[stream])
        revision.content[stream] = json.loads(revision.content[stream])
    assert revision.content == saved
    assert revision.as_object().body_text() == article.body_text()

    call_command("update_index", verbosity=0)
    word = re.search(r"Analysts tracking (\w+)", article.body_text()).group(1)
    found = client.get("/search/", {"q": word}).content.decode()
    assert article.title in found

    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client.force_login(editor)
    edit = client.get(f"/admin/pages/{article.pk}/edit/")
    assert edit.status_code == 200 and word in edit.content.decode()
    draft = article.get_latest_revision_as_object()
    draft.title = "An archive article, corrected"
    draft.save_revision(user=editor).publish()
    client.logout()
    assert "An archive article, corrected" in client.get(article.url).content.decode()
    problems = Page.find_problems()
    assert all(not found for found in problems), problems


def test_bulk_comments_spread_over_the_archive_and_some_await_moderation(
    client, django_user_model
):
    factories.ensure_wagtail_roots()
    bulk.load(ArticlePage.objects.count() + 30)
    before = Comment.objects.count()
    assert bulk.load_comments(before + 120) == 120
    assert bulk.load_comments(before + 120) == 0  # topped up already
    added = Comment.objects.filter(article__slug__startswith="archive-")
    assert added.count() == 120
    assert added.values("article").distinct().count() == 30  # 4 each
    pending = added.filter(status="pending")
    numbers = range(before, before + 120)  # the site's comments, counted from 0
    assert pending.count() == sum(n % bulk.PENDING_EVERY == 0 for n in numbers) > 0
    shown = added.filter(status="published").select_related("article").last()
    assert shown.created_at > shown.article.first_published_at
    page = client.get(shown.article.url).content.decode()
    assert shown.body_html in page

    editor = django_user_model.objects.create_superuser("mod", "m@example.com", "pw")
    client.force_login(editor)
    queue = client.get("/admin/comments/")
    assert queue.status_code == 200
    assert pending.first().body_html in queue.content.decode()


def test_made_up_words_are_distinct():
    words = {bulk.made_up_word(rank) for rank in range(1, 5000)}
    assert len(words) == 4999
