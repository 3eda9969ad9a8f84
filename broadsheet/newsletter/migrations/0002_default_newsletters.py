import datetime

from django.db import migrations


def create(apps, schema_editor):
    """A daily digest and a weekly review, ready to edit or switch off."""
    Newsletter = apps.get_model("newsletter", "Newsletter")
    if Newsletter.objects.exists():
        return
    Newsletter.objects.create(
        name="Daily briefing",
        slug="daily",
        description="Every morning: the day's stories with their key takeaways.",
        sender_name="The newsroom",
        send_time=datetime.time(7, 0),
        time_zone="UTC",
        days="0,1,2,3,4,5,6",
        lookback_days=1,
        is_default=True,
        sort_order=1,
    )
    Newsletter.objects.create(
        name="The week in review",
        slug="weekly",
        description="Saturdays: the week's most important stories in one email.",
        sender_name="The newsroom",
        send_time=datetime.time(9, 0),
        time_zone="UTC",
        days="5",
        lookback_days=7,
        sort_order=2,
    )


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
