from django.db import migrations


def adopt_wagtail_groups(apps, schema_editor):
    """Wagtail's "Moderators" become the Editor role: they already publish
    anything and are the approvers of Wagtail's default review workflow,
    which keeps pointing at the group. Wagtail's "Editors" edit anyone's
    pages but cannot publish, which no role does; without members it goes,
    with members it stays as it is for an administrator to sort out.

    The roles' permissions are added after every migrate (core.roles).
    """
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name="Editor").exists():
        Group.objects.filter(name="Moderators").update(name="Editor")
    Group.objects.filter(name="Editors", user__isnull=True).delete()
    # The workflow and its task are named after the group; say what they do.
    apps.get_model("wagtailcore", "Workflow").objects.filter(
        name="Moderators approval"
    ).update(name="Review by an editor")
    apps.get_model("wagtailcore", "Task").objects.filter(
        name="Moderators approval"
    ).update(name="An editor approves")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_page_purge_log"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(adopt_wagtail_groups, migrations.RunPython.noop)
    ]
