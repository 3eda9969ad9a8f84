from django.db import migrations


def _permission(apps, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="newsletter", model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, schema_editor):
    """Editors keep sending issues; whoever could import (add_subscriber) still can.

    Wagtail's Moderators group gets neither: moderating comments is not
    mailing every subscriber.
    """
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    send = _permission(apps, "issue", "send_issue", "Can send newsletter issues")
    imports = _permission(
        apps, "subscriber", "import_subscribers", "Can import subscribers"
    )
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(send)
    add = {"permissions__codename": "add_subscriber"}
    add_app = {"permissions__content_type__app_label": "newsletter"}
    for group in Group.objects.filter(**add, **add_app):
        group.permissions.add(imports)
    for user in User.objects.filter(
        user_permissions__codename="add_subscriber",
        user_permissions__content_type__app_label="newsletter",
    ):
        user.user_permissions.add(imports)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_permissions"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
