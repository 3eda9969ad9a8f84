"""Hashes become 64-bit integers, and the roll-up keeps its place in one row
instead of marking every event it rolled.

Raw events are transient, so the old hex hashes are dropped rather than
converted: events already rolled keep their figures in the tallies. Open
podcast listening windows (at most 24 hours of them) are dropped too, so a
listener half-way through their first minute when the site is upgraded may
be counted once more.
"""

from django.db import migrations, models


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


def drop_open_windows(apps, schema_editor):
    apps.get_model("analytics", "ListenWindow").objects.all().delete()


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
        migrations.RunPython(start_the_mark, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="event", name="analytics_unrolled"),
        migrations.RemoveIndex(model_name="event", name="analytics_kind_at"),
        migrations.RemoveIndex(model_name="event", name="analytics_pair_at"),
        migrations.RemoveField(model_name="event", name="rolled"),
        migrations.RemoveField(model_name="event", name="visitor"),
        migrations.RemoveField(model_name="event", name="pair"),
        migrations.RemoveField(model_name="event", name="carry"),
        migrations.AddField(
            model_name="event",
            name="visitor",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="pair",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="carry",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["at", "pair"], name="analytics_event_at"),
        ),
        migrations.RunPython(drop_open_windows, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="listenwindow", name="analytics_window_key"),
        migrations.RemoveIndex(
            model_name="listenwindow", name="analytics_window_carry"
        ),
        migrations.RemoveField(model_name="listenwindow", name="key"),
        migrations.RemoveField(model_name="listenwindow", name="carry"),
        migrations.AddField(
            model_name="listenwindow",
            name="key",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="listenwindow",
            name="carry",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
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
