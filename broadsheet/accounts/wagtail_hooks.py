from django.urls import path, reverse
from wagtail import hooks

from broadsheet.accounts import admin_views
from broadsheet.core.admin_pages import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("staff/invite/", admin_views.invite, name="staff_invite")]


@hooks.register("register_settings_menu_item")
def register_invite_menu_item():
    return PermissionMenuItem(
        "Invite staff",
        reverse("staff_invite"),
        icon_name="user",
        order=610,
        permission=admin_views.INVITE,
    )
