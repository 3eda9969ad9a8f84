from django.urls import reverse
from wagtail.models import Page, Revision, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
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
    if not PagePermissionPolicy().user_has_permission(request.user, "publish"):
        return []
    scheduled = list(
        Revision.page_revisions.filter(
            approved_go_live_at__gt=now, approved_go_live_at__lte=now + HORIZON
        ).only("object_id", "approved_go_live_at")
    )
    in_review = list(
        WorkflowState.objects.active()
        .filter(base_content_type__app_label="wagtailcore")
        .filter(base_content_type__model="page")
        .select_related("requested_by")
    )
    # Titles in one query, not one per item.
    titles = dict(
        Page.objects.filter(
            pk__in=[int(item.object_id) for item in [*scheduled, *in_review]]
        ).values_list("pk", "title")
    )

    def title(item):
        return titles.get(int(item.object_id), "(deleted page)")

    def edit_url(item):
        return reverse("wagtailadmin_pages:edit", args=[item.object_id])

    items = [
        TodayItem("Scheduled to publish", title(r), edit_url(r), r.approved_go_live_at)
        for r in scheduled
    ]
    items += [
        TodayItem(
            "Waiting for review",
            f"{title(state)}, from {_person(state.requested_by)}",
            edit_url(state),
            state.created_at,
        )
        for state in in_review
    ]
    return items


def _person(user) -> str:
    if user is None:
        return "a former member of staff"
    return user.get_full_name() or user.email or user.get_username()


register_today(_today)
