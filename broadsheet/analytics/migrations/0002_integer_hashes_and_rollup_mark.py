"""Hashes become 64-bit integers, and the roll-up keeps its place in one row
instead of marking every event it rolled.

The old hashes are the same 8-byte BLAKE2b digests written in hex, so they
are converted, not dropped: events not rolled up yet still pair and make
downloads, today's and yesterday's visitors can be counted again from them,
and open podcast listening windows stay open. Older events, already counted,
lose their hashes (their salts are long gone): converting a month of them
would only make the upgrade longer. A view's page hash is now its
visitor hash mixed with a hash of the path (``readers.with_path``, repeated
here as it is today). The mark starts before the first event not rolled up.
Going back marks the events up to the mark rolled and writes the hashes
in hex again.
"""

import hashlib
from datetime import timedelta

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

CHUNK = 2000
MASK = (1 << 64) - 1


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _from_hex(text: str):
    return _signed(int(text, 16)) if text else None


def _with_path(reader: int, path: str) -> int:
    digest = hashlib.blake2b(path.encode("utf-8", "replace"), digest_size=8).digest()
    return _signed((reader & MASK) ^ int.from_bytes(digest, "big"))


def start_the_mark(apps, schema_editor):
    Event = apps.get_model("analytics", "Event")
    RollUp = apps.get_model("analytics", "RollUp")
    first_waiting = (
        Event.objects.filter(rolled=False).order_by("id").values_list("id", flat=True)
    ).first()
    if first_waiting is None:
        last = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    else:
        last = first_waiting - 1
    RollUp.objects.create(pk=1, last_event_id=last)


def back_to_the_flag(apps, schema_editor):
    Event = apps.get_model("analytics", "Event")
    mark = apps.get_model("analytics", "RollUp").objects.filter(pk=1).first()
    if mark is not None:
        Event.objects.filter(id__lte=mark.last_event_id).update(rolled=True)


def _to_hex(value) -> str:
    return "" if value is None else f"{value & MASK:016x}"


def _each_chunk(model, fields, rows=None):
    """Each CHUNK of ``rows`` (all by default), saved once the caller changed it."""
    rows = model.objects.all() if rows is None else rows
    after = 0
    while True:
        chunk = list(rows.filter(id__gt=after).order_by("id")[:CHUNK])
        if not chunk:
            return
        yield chunk
        model.objects.bulk_update(chunk, fields)
        after = chunk[-1].id


def back_to_hex(apps, schema_editor):
    Event = apps.get_model("analytics", "Event")
    names = ["visitor", "pair", "carry"]
    for chunk in _each_chunk(Event, names):
        for event in chunk:
            for name in names:
                setattr(event, name, _to_hex(getattr(event, f"{name}_hash")))
    ListenWindow = apps.get_model("analytics", "ListenWindow")
    for chunk in _each_chunk(ListenWindow, ["key", "carry"]):
        for window in chunk:
            window.key = _to_hex(window.key_hash)
            window.carry = _to_hex(window.carry_hash)


def convert_hashes(apps, schema_editor):
    Event = apps.get_model("analytics", "Event")
    mark = apps.get_model("analytics", "RollUp").objects.get(pk=1).last_event_id
    # Only what is still used: events not rolled up, and the two days whose
    # readers are counted again. Older ones keep their figures, not hashes.
    recent = Event.objects.filter(
        Q(id__gt=mark) | Q(at__gte=timezone.now() - timedelta(days=2))
    )
    names = ["visitor_hash", "pair_hash", "carry_hash"]
    for chunk in _each_chunk(Event, names, recent):
        for event in chunk:
            event.visitor_hash = _from_hex(event.visitor)
            if event.kind == "view" and event.visitor_hash is not None:
                event.pair_hash = _with_path(event.visitor_hash, event.path)
            else:
                event.pair_hash = _from_hex(event.pair)
            event.carry_hash = _from_hex(event.carry)
    ListenWindow = apps.get_model("analytics", "ListenWindow")
    for chunk in _each_chunk(ListenWindow, ["key_hash", "carry_hash"]):
        for window in chunk:
            window.key_hash = _from_hex(window.key) or 0
            window.carry_hash = _from_hex(window.carry) or 0


def _integer(name, model="event", null=True):
    if null:
        field = models.BigIntegerField(null=True, blank=True)
    else:
        field = models.BigIntegerField(default=0)
    return migrations.AddField(model_name=model, name=name, field=field)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="RollUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("last_event_id", models.BigIntegerField(default=0)),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RunPython(start_the_mark, back_to_the_flag),
        _integer("visitor_hash"),
        _integer("pair_hash"),
        _integer("carry_hash"),
        _integer("key_hash", "listenwindow", null=False),
        _integer("carry_hash", "listenwindow", null=False),
        migrations.RunPython(convert_hashes, back_to_hex),
        migrations.RemoveIndex(model_name="event", name="analytics_unrolled"),
        migrations.RemoveIndex(model_name="event", name="analytics_kind_at"),
        migrations.RemoveIndex(model_name="event", name="analytics_pair_at"),
        migrations.RemoveField(model_name="event", name="rolled"),
        migrations.RemoveField(model_name="event", name="visitor"),
        migrations.RemoveField(model_name="event", name="pair"),
        migrations.RemoveField(model_name="event", name="carry"),
        migrations.RenameField("event", "visitor_hash", "visitor"),
        migrations.RenameField("event", "pair_hash", "pair"),
        migrations.RenameField("event", "carry_hash", "carry"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["at", "pair"], name="analytics_event_at"),
        ),
        migrations.RemoveIndex(model_name="listenwindow", name="analytics_window_key"),
        migrations.RemoveIndex(
            model_name="listenwindow", name="analytics_window_carry"
        ),
        # (A default, so that going back can add the columns again.)
        migrations.AlterField(
            model_name="listenwindow",
            name="key",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.AlterField(
            model_name="listenwindow",
            name="carry",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.RemoveField(model_name="listenwindow", name="key"),
        migrations.RemoveField(model_name="listenwindow", name="carry"),
        migrations.RenameField("listenwindow", "key_hash", "key"),
        migrations.RenameField("listenwindow", "carry_hash", "carry"),
        migrations.AlterField(
            model_name="listenwindow",
            name="key",
            field=models.BigIntegerField(),
        ),
        migrations.AlterField(
            model_name="listenwindow",
            name="carry",
            field=models.BigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="listenwindow",
            index=models.Index(fields=["key"], name="analytics_window_key"),
        ),
        migrations.AddIndex(
            model_name="listenwindow",
            index=models.Index(fields=["carry"], name="analytics_window_carry"),
        ),
        # A view's row is written without these: the database fills them in.
        migrations.AlterField(
            model_name="event",
            name="fetcher",
            field=models.CharField(blank=True, db_default="", max_length=60),
        ),
        migrations.AlterField(
            model_name="event",
            name="bytes",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.AlterField(
            model_name="event",
            name="duplicate",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="event",
            name="paired",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="event",
            name="download",
            field=models.BooleanField(db_default=False, default=False),
        ),
    ]
