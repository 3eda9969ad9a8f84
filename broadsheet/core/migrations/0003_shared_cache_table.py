"""Create the shared cache's table, so `migrate` alone prepares a database.

createcachetable does nothing when the table exists or when the default
cache is not the database one (Redis, or the test settings).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_branding_background_colour_branding_theme_colour")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
