from django.urls import reverse
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from broadsheet.core.dashboard import HORIZON, TodayItem, register_today
from broadsheet.newsroom.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "role"]


register_snippet(AuthorViewSet)


def _today(request, now):
    """Articles going live in the next 48 hours, and those waiting for review."""
    from wagtail.models import Revision, WorkflowState
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not PagePermissionPolicy().user_has_permission(request.user, "publish"):
        return []
    items = [
        TodayItem(
            "Scheduled to publish",
            revision.content_object.title,
            reverse("wagtailadmin_pages:edit", args=[revision.object_id]),
            revision.approved_go_live_at,
        )
        for revision in Revision.page_revisions.filter(
            approved_go_live_at__gt=now, approved_go_live_at__lte=now + HORIZON
        ).select_related("content_type")
    ]
    items += [
        TodayItem(
            "Waiting for review",
            str(state.content_object),
            reverse("wagtailadmin_pages:edit", args=[state.object_id]),
            state.created_at,
        )
        for state in WorkflowState.objects.active().filter(
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
        )
    ]
    return items


register_today(_today)
