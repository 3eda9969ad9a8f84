from django.urls import path, reverse
from wagtail import hooks

from broadsheet.core.admin_pages import PermissionMenuItem
from broadsheet.imports import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("imports/", admin_views.index, name="imports_index"),
        path("imports/new/", admin_views.new, name="imports_new"),
        path("imports/<int:pk>/", admin_views.run_page, name="imports_run"),
        path(
            "imports/<int:pk>/progress/",
            admin_views.progress,
            name="imports_progress",
        ),
        path(
            "imports/<int:pk>/confirm/",
            admin_views.confirm,
            name="imports_confirm",
        ),
        path("imports/<int:pk>/undo/", admin_views.undo, name="imports_undo"),
    ]


@hooks.register("register_settings_menu_item")
def register_imports_menu_item():
    return PermissionMenuItem(
        "Imports",
        reverse("imports_index"),
        icon_name="download",
        order=620,
        permission=admin_views.IMPORT,
    )
