"""Imports in the admin: upload, dry run, confirm, progress, undo; for
Administrators only, and no upload ever a 500."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from broadsheet.core import roles
from broadsheet.imports.models import ImportRun
from broadsheet.imports.tests.wxr import wxr
from broadsheet.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def staff(django_user_model, role: str) -> Client:
    user = django_user_model.objects.create_user(
        username=role, email=f"{role.lower()}@wire.example", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(django_user_model, publication):
    return staff(django_user_model, roles.ADMINISTRATOR)


def upload(client, name="wire.xml", data=None, platform="wordpress", **extra):
    export = SimpleUploadedFile(name, (data or wxr()).encode())
    return client.post(
        "/admin/imports/new/", {"platform": platform, "export": export, **extra}
    )


def turned_away(response) -> bool:
    # Wagtail answers a refused admin page with a redirect to the dashboard.
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_only_administrators_may_import(django_user_model, publication):
    editor = staff(django_user_model, roles.EDITOR)
    for path in ("/admin/imports/", "/admin/imports/new/"):
        assert turned_away(editor.get(path))
    assert turned_away(upload(editor))
    run = ImportRun.objects.create(
        platform="wordpress", file_name="x.xml", dry_run=True
    )
    assert turned_away(editor.get(f"/admin/imports/{run.pk}/"))
    assert turned_away(editor.post(f"/admin/imports/{run.pk}/confirm/"))
    assert turned_away(editor.post(f"/admin/imports/{run.pk}/undo/"))
    assert ImportRun.objects.count() == 1
    assert "/admin/imports/" not in editor.get("/admin/").content.decode()


def test_upload_dry_run_confirm_and_undo(
    administrator, django_capture_on_commit_callbacks
):
    articles = ArticlePage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(administrator)
    plan = ImportRun.objects.get()
    assert response["Location"] == f"/admin/imports/{plan.pk}/"
    assert (plan.dry_run, plan.status) == (True, "planned")
    page = administrator.get(response["Location"]).content.decode()
    assert "What the import would do" in page and "article: 9 created" in page
    assert "progress.js" not in page  # nothing left to follow
    assert ArticlePage.objects.count() == articles

    with django_capture_on_commit_callbacks(execute=True):
        response = administrator.post(f"/admin/imports/{plan.pk}/confirm/")
    run = ImportRun.objects.get(dry_run=False)
    assert run.status == "finished" and run.items_done == run.items_total == 10
    assert ArticlePage.objects.count() == articles + 9
    page = administrator.get(response["Location"]).content.decode()
    assert "10 of 10 items" in page and "Undo this import" in page
    # A second click on "Import" finds the import already made.
    again = administrator.post(f"/admin/imports/{plan.pk}/confirm/")
    assert again["Location"] == f"/admin/imports/{run.pk}/"
    assert ImportRun.objects.filter(dry_run=False).count() == 1

    asked = administrator.get(f"/admin/imports/{run.pk}/undo/").content.decode()
    assert "9 articles" in asked and "6 comments" in asked
    with django_capture_on_commit_callbacks(execute=True):
        administrator.post(f"/admin/imports/{run.pk}/undo/")
    run.refresh_from_db()
    assert run.status == "undone"
    assert ArticlePage.objects.count() == articles
    assert "Undo of a wordpress export" in run.report


def test_a_file_of_the_wrong_kind_is_refused_with_a_reason(administrator):
    response = upload(administrator, name="export.json", data="{}")
    assert response.status_code == 400
    assert "A WordPress export is a .xml file" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<rss><channel>", "ends too early"),
        ("\x00\x01binary", "not an XML file"),
        ('<!DOCTYPE r [<!ENTITY a "b">]><rss>&a;</rss>', "Refused at line 1"),
    ],
)
def test_a_broken_export_fails_its_dry_run_with_the_reason(
    administrator, django_capture_on_commit_callbacks, data, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(administrator, data=data)
    run = ImportRun.objects.get()
    assert run.status == "failed" and message in run.error
    page = administrator.get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode()
    assert "imports_confirm" not in page.content.decode()


def test_with_media_in_an_object_store_the_upload_waits_in_the_store(
    administrator, object_store, django_capture_on_commit_callbacks
):
    # Several machines: the worker may not be the node that took the upload.
    articles = ArticlePage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        upload(administrator)
    plan = ImportRun.objects.get()
    assert plan.upload.startswith("store:imports/") and plan.status == "planned"
    name = plan.upload.removeprefix("store:")
    assert object_store.exists(name)
    assert administrator.get(f"/media/{name}").status_code == 404  # private
    with django_capture_on_commit_callbacks(execute=True):
        administrator.post(f"/admin/imports/{plan.pk}/confirm/")
    run = ImportRun.objects.get(dry_run=False)
    assert run.status == "finished"
    assert ArticlePage.objects.count() == articles + 9
    assert not object_store.exists(name)  # discarded once imported
