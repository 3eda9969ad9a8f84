"""The worker's side: a run whose worker died is started again and finishes,
without doing anything twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.imports.models import ImportedItem, ImportRun
from broadsheet.imports.tasks import perform_import, resume_stalled
from broadsheet.imports.tests.wxr import write_export
from broadsheet.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def test_a_run_whose_worker_died_is_resumed_and_finishes_once(publication, tmp_path):
    export = write_export(tmp_path)
    run = ImportRun.objects.create(
        platform="wordpress", file_name=export.name, upload=str(export)
    )
    perform_import.call(run.pk)  # the worker imports…
    articles, items = ArticlePage.objects.count(), ImportedItem.objects.count()
    # …and, say, died before it could record the end: the run looks stuck.
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, heartbeat_at=now - timedelta(minutes=1)
    )
    assert resume_stalled(now=now) == []  # a minute is not yet stalled
    assert resume_stalled(now=now + timedelta(minutes=5)) == [run.pk]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED
    assert "article: 9 unchanged" in run.report  # carried on, made no copies
    assert (ArticlePage.objects.count(), ImportedItem.objects.count()) == (
        articles,
        items,
    )
    assert perform_import.call(run.pk) == "nothing to do"  # finished stays finished
