from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from broadsheet.accounts import admin_views


class InviteMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.INVITE)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("staff/invite/", admin_views.invite, name="staff_invite")]


@hooks.register("register_settings_menu_item")
def register_invite_menu_item():
    return InviteMenuItem(
        "Invite staff", reverse("staff_invite"), icon_name="user", order=610
    )
