from django.urls import path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from broadsheet.comments import admin_views, policy, selectors
from broadsheet.core.dashboard import TodayItem, register_today


class ModerationMenuItem(MenuItem):
    """ "Comments" in the admin menu, with the number waiting for review."""

    def is_shown(self, request):
        return policy.is_moderator(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = selectors.review_count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("comments/", admin_views.queue, name="comments_queue")]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ModerationMenuItem(
        "Comments", reverse("comments_queue"), icon_name="comment", order=250
    )


def _today(request, now):
    if not policy.is_moderator(request.user):
        return []
    waiting = selectors.review_count()
    if not waiting:
        return []
    text = ngettext(
        "%(n)d comment waiting for review", "%(n)d comments waiting for review", waiting
    ) % {"n": waiting}
    return [TodayItem("Comments", text, reverse("comments_queue"))]


register_today(_today)
