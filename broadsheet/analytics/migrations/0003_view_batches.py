"""The server's page views are stored a flush at a time (``ViewBatch``).

Views already stored as events stay events, and are rolled up and counted
as before. The flag that marked a server view a beacon repeated goes: a
beacon now claims a view in its batch. A beacon sent within two minutes
of the upgrade for a view stored before it is counted as a view of its own.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0002_integer_hashes_and_rollup_mark'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='event',
            name='paired',
        ),
        migrations.AddField(
            model_name='rollup',
            name='last_batch_id',
            field=models.BigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name='ViewBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_at', models.DateTimeField()),
                ('last_at', models.DateTimeField()),
                ('groups', models.JSONField()),
                ('group_of', models.BinaryField()),
                ('visitors', models.BinaryField()),
                ('pairs', models.BinaryField()),
                ('claimed', models.JSONField(default=list)),
            ],
            options={
                'indexes': [models.Index(fields=['last_at'], name='analytics_batch_last')],
            },
        ),
    ]
