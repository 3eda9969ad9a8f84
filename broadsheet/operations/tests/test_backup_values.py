"""Every value survives the archive's table format exactly, on this database.

Runs on whichever database the suite runs on (SQLite or PostgreSQL), so the
two CI lanes check both. The end-to-end tests (test_backup_restore.py) move
the demo between the two.
"""

import datetime
import decimal
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.models import Page

from broadsheet.comments.models import Comment
from broadsheet.newsletter.models import Newsletter, Subscriber
from broadsheet.newsroom.models import ArticlePage
from broadsheet.operations import archive_tables
from broadsheet.operations.archive import ArchiveWriter, size_text
from broadsheet.operations.archive_media import safe_name
from broadsheet.operations.backup import backup
from broadsheet.testing import factories

TRICKY_TEXT = 'Zoë\'s «naïve» café — 東京 🗞️ עברית\u0301 \\ "quoted"\ttab\nnewline'
# Half past one on the night Paris moves its clocks forward, to the microsecond.
MOMENT = datetime.datetime(
    2024, 3, 31, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Paris")
)


def snapshot(tables) -> dict:
    """Each table's rows as the ORM reads them; StreamFields as their JSON."""
    rows = {}
    for table in tables:
        names = [field.attname for field in table.fields]
        stream_fields = [
            position
            for position, field in enumerate(table.fields)
            if hasattr(field, "stream_block")
        ]
        values = []
        for row in table.model._base_manager.values_list(*names).order_by("pk"):
            row = list(row)
            for position in stream_fields:
                row[position] = table.fields[position].get_prep_value(row[position])
            values.append(row)
        rows[table.name] = values
    return rows


@pytest.fixture
def tricky_rows(publication):
    article = publication["articles"][0]
    article.title = TRICKY_TEXT.splitlines()[0]
    article.body = [
        ("paragraph", f"<p>{TRICKY_TEXT}</p>"),
        ("quote", {"quote": TRICKY_TEXT, "attribution": ""}),
    ]
    article.save_revision().publish()
    member = factories.make_member("zoë@example.org", display_name="Zoë Ångström")
    comment = Comment.objects.create(
        article=article,
        author=member,
        body=TRICKY_TEXT,
        body_html=f"<p>{TRICKY_TEXT}</p>",
        edited_at=None,  # a NULL datetime
    )
    # created_at is set on creation; an update writes the moment as given.
    Comment.objects.filter(pk=comment.pk).update(created_at=MOMENT)
    newsletter = factories.make_newsletter(send_time=datetime.time(6, 45, 30))
    subscriber = factories.make_subscriber("zoë@example.org", newsletter)
    # JSON that looks like a type tag must stay plain JSON.
    Subscriber.objects.filter(pk=subscriber.pk).update(
        pending_newsletters=[{"$date": "2024-01-01"}, None, True, 1.5, TRICKY_TEXT]
    )
    return {"article": article, "newsletter": newsletter}


def test_every_table_round_trips_exactly(tricky_rows, tmp_path):
    tables = archive_tables.archived_tables()
    before = snapshot(tables)
    assert before["comments_comment"] and before["newsroom_articlepage"]

    counts = {}
    for table in tables:
        counts[table.name] = archive_tables.dump_table(table, tmp_path / table.name)
    archive_tables.delete_all_rows(archive_tables.all_tables(), connection)
    assert not Page.objects.exists()
    for table in tables:
        with (tmp_path / table.name).open("rb") as source:
            rows = archive_tables.read_rows(table, source)
            inserted = archive_tables.insert_rows(table, rows, connection)
        assert inserted == counts[table.name]
    connection.check_constraints()

    assert snapshot(tables) == before
    comment = Comment.objects.get(body=TRICKY_TEXT)
    assert comment.created_at == MOMENT and comment.created_at.tzinfo is not None
    assert comment.edited_at is None
    article = ArticlePage.objects.get(pk=tricky_rows["article"].pk)
    assert article.body[0].value.source == f"<p>{TRICKY_TEXT}</p>"
    assert isinstance(article.translation_key, uuid.UUID)
    assert Newsletter.objects.get(
        pk=tricky_rows["newsletter"].pk
    ).send_time == datetime.time(6, 45, 30)
    pending = Subscriber.objects.get().pending_newsletters
    assert pending == [{"$date": "2024-01-01"}, None, True, 1.5, TRICKY_TEXT]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("DateTimeField", MOMENT),
        (
            "DateTimeField",
            datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
        ),
        ("DateField", datetime.date(2024, 2, 29)),
        ("TimeField", datetime.time(23, 59, 59, 999999)),
        ("DecimalField", decimal.Decimal("-12345678901234567890.000000001")),
        ("UUIDField", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("BinaryField", bytes(range(256))),
        ("DurationField", datetime.timedelta(days=-1, microseconds=7)),
    ],
)
def test_values_no_model_of_ours_stores_yet_round_trip_too(kind, value):
    # No Broadsheet model has binary, decimal, date or duration columns
    # today; the codecs are ready for the first that does.
    encoded = json.loads(json.dumps(archive_tables.ENCODERS[kind](value)))
    decoded = archive_tables.DECODERS[kind](encoded)
    assert decoded == value and type(decoded) is type(value)
    if kind == "DateTimeField":
        assert decoded.utcoffset() == value.utcoffset()


def test_every_model_table_is_archived_or_left_out_on_purpose():
    archived = {table.name for table in archive_tables.archived_tables()}
    left_out = {
        table.name
        for table in archive_tables.all_tables()
        if archive_tables.left_out(table)
    }
    assert "search_searchdocument" in left_out
    assert "core_pagepurge" in left_out
    assert {"wagtailcore_page", "newsroom_articlepage", "django_session"} <= archived
    assert "auth_group_permissions" in archived  # many-to-many tables too


@pytest.mark.parametrize("name", ["../secret_key", "/etc/passwd", "images/./a.jpg", ""])
def test_media_names_leaving_the_media_folder_are_refused(name):
    with pytest.raises(Exception, match="unsafe name"):
        safe_name(name)


def test_a_source_shorter_than_announced_fails_the_backup(tmp_path):
    import io

    writer = ArchiveWriter(tmp_path / "short.tar")
    with pytest.raises(OSError):
        writer.add_stream("media/a.jpg", io.BytesIO(b"only this"), size=1000)
    writer.abandon()
    assert size_text(5_300_000) == "5.1 MB" and size_text(12) == "12 bytes"


def test_a_database_holding_content_is_refused_without_force(publication, tmp_path):
    archive = backup(tmp_path / "site.tar").path
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="already holds content.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert Page.objects.count() == pages
