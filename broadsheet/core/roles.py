"""Staff roles as groups: Contributor, Author, Editor and Administrator.

Each role holds everything the one before it holds, and more:

- Contributor: writes and edits their own drafts and submits them for
  review; cannot publish.
- Author: publishes, schedules and unpublishes their own articles.
- Editor: edits and publishes anything, moderates comments, runs newsletters.
- Administrator: settings, users, redirects and imports.

Core grants the page permissions and Wagtail's own; each app grants its
models' permissions from its ``AppConfig.ready()`` with ``grant``, as it
knows them and core does not. ``sync_roles`` runs after every ``migrate``:
it creates the groups and adds what they lack, and never takes away what an
administrator has added since.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

CONTRIBUTOR, AUTHOR, EDITOR, ADMINISTRATOR = ROLES = (
    "Contributor",
    "Author",
    "Editor",
    "Administrator",
)
# The review workflow Wagtail's migrations make, as core 0005 renames it
# (a migration keeps its own copy of these names).
REVIEW_WORKFLOW = "Review by an editor"
REVIEW_TASK = "An editor approves"

# Wagtail's page permissions, granted on the root page so they hold for the
# whole tree. "add" alone means editing one's own pages only; "change" is
# editing anyone's.
_PAGE_PERMISSIONS = {
    CONTRIBUTOR: {"add"},
    AUTHOR: {"publish"},
    EDITOR: {"change", "lock", "unlock"},
    ADMINISTRATOR: {"bulk_delete"},
}

# Wagtail keeps image and document permissions per collection.
_COLLECTION_APPS = {"wagtailimages", "wagtaildocs"}

_granted: dict[str, set[str]] = {role: set() for role in ROLES}


def grant(role: str, *permissions: str) -> None:
    """Give ``role`` (and every role above it) ``"app_label.codename"`` permissions."""
    if role not in _granted:
        raise ImproperlyConfigured(f"No role {role!r}; the roles are {ROLES}.")
    _granted[role].update(permissions)


def _up_to(role: str) -> tuple[str, ...]:
    return ROLES[: ROLES.index(role) + 1]


def permissions_of(role: str) -> set[str]:
    """The model permissions ``role`` holds, its own and those below it."""
    return set().union(*(_granted[lower] for lower in _up_to(role)))


def page_permissions_of(role: str) -> set[str]:
    return set().union(*(_PAGE_PERMISSIONS[lower] for lower in _up_to(role)))


def role_of(user) -> str | None:
    """The highest role ``user`` holds, or None for readers."""
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in reversed(ROLES) if role in names), None)


# Built-in pieces core grants; apps add their own in ready().
grant(
    CONTRIBUTOR,
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
grant(
    EDITOR,
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
)
grant(
    ADMINISTRATOR,
    *(
        f"{app}.{action}_{model}"
        for app, model in (
            ("auth", "user"),
            ("auth", "group"),
            ("wagtailredirects", "redirect"),
            ("wagtailcore", "site"),
            ("wagtailcore", "collection"),
            ("wagtailcore", "workflow"),
            ("wagtailcore", "task"),
        )
        for action in ("add", "change", "delete")
    ),
    "core.change_branding",
)


def _permission_objects(codes: set[str], using: str):
    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    unknown = sorted(codes - set(by_code))
    if unknown:
        raise ImproperlyConfigured(f"Roles grant unknown permissions: {unknown}")
    return {code: by_code[code] for code in codes}


def sync_roles(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups and add the permissions they lack."""
    every_code = set().union(*_granted.values())
    permissions = _permission_objects(every_code, using)
    root_page = Page.objects.using(using).filter(depth=1).first()
    root_collection = Collection.objects.using(using).filter(depth=1).first()
    with transaction.atomic(using=using):
        for role in ROLES:
            group, _ = Group.objects.using(using).get_or_create(name=role)
            held = [permissions[code] for code in permissions_of(role)]
            group.permissions.add(*held)
            if root_collection is not None:
                for permission in held:
                    if permission.content_type.app_label in _COLLECTION_APPS:
                        GroupCollectionPermission.objects.using(using).get_or_create(
                            group=group,
                            collection=root_collection,
                            permission=permission,
                        )
            if root_page is not None:
                for action in page_permissions_of(role):
                    GroupPagePermission.objects.using(using).get_or_create(
                        group=group,
                        page=root_page,
                        permission=Permission.objects.using(using).get(
                            content_type__app_label="wagtailcore",
                            codename=f"{action}_page",
                        ),
                    )


def sync_roles_after_migrate(sender, app_config=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver: Django makes the permissions of each app as
    its own signal comes, so make all of them first, then the roles."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles(using)
