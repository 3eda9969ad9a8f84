from django.urls import path, reverse
from wagtail import hooks

from broadsheet.analytics import admin_views
from broadsheet.core.admin_pages import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("audience/", admin_views.audience, name="analytics_audience")]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PermissionMenuItem(
        "Audience",
        reverse("analytics_audience"),
        icon_name="view",
        order=260,
        permission=admin_views.PERMISSION,
    )
