from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from broadsheet.core.admin_pages import PermissionMenuItem
from broadsheet.core.dashboard import HORIZON, TodayItem, register_today
from broadsheet.newsletter import admin_views
from broadsheet.newsletter.admin_forms import IssueForm
from broadsheet.newsletter.compose import draft_issue
from broadsheet.newsletter.models import Issue, Newsletter, Subscriber


class _NeedsModelPermission:
    """Wagtail's snippet choosers answer anyone with admin access; these need
    some permission on the model (subscribers' addresses are personal data)."""

    def dispatch(self, request, *args, **kwargs):
        actions = {"add", "change", "delete", "view"}
        policy = ModelPermissionPolicy(self.model_class)
        if not policy.user_has_any_permission(request.user, actions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PrivateChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = type(
        "ChooseView", (_NeedsModelPermission, chooser.ChooseView), {}
    )
    choose_results_view_class = type(
        "ChooseResultsView", (_NeedsModelPermission, chooser.ChooseResultsView), {}
    )
    chosen_view_class = type(
        "ChosenView", (_NeedsModelPermission, chooser.SnippetChosenView), {}
    )
    chosen_multiple_view_class = type(
        "ChosenMultipleView",
        (_NeedsModelPermission, chooser.SnippetChosenMultipleView),
        {},
    )
    create_view_class = type(
        "CreateView", (_NeedsModelPermission, chooser.SnippetCreateView), {}
    )


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = "Newsletters"
    list_display = ["name", "slug", "send_time", "time_zone", "is_active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("sender_name"), FieldPanel("sender_email")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("send_time"), FieldPanel("time_zone")]),
                FieldPanel("days"),
                FieldPanel("lookback_days"),
            ],
            heading="Schedule",
        ),
        FieldRowPanel([FieldPanel("is_active"), FieldPanel("is_default")]),
        FieldPanel("sort_order"),
    ]


class IssueEditView(EditView):
    """A sent issue is a record of what went out: it opens read-only."""

    def dispatch(self, request, *args, **kwargs):
        if self.object.status in admin_views.SENT_STATUSES:
            messages.info(
                request, "This issue has been sent: it can no longer be changed."
            )
            return redirect("newsletter_review", pk=self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class IssueCreateView(CreateView):
    """A new issue starts with the articles published since the last one."""

    def get_initial_form_instance(self):
        return draft_issue()


class IssueViewSet(SnippetViewSet):
    model = Issue
    add_view_class = IssueCreateView
    edit_view_class = IssueEditView
    icon = "doc-full"
    chooser_viewset_class = PrivateChooserViewSet
    menu_label = "Issues"
    list_display = ["subject", "newsletter", "scheduled_for", "status"]
    list_filter = ["newsletter", "status"]
    search_fields = ["subject", "intro"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("newsletter"),
            FieldPanel("subject"),
            FieldPanel("intro"),
            InlinePanel(
                "items",
                heading="Articles",
                label="Article",
                help_text="In the order they appear in the email.",
            ),
            FieldPanel("scheduled_for"),
        ],
        base_form_class=IssueForm,
    )


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    icon = "user"
    chooser_viewset_class = PrivateChooserViewSet
    menu_label = "Subscribers"
    list_display = ["email", "status", "source", "created_at"]
    list_filter = ["status", "newsletters", "source"]
    list_export = ["email", "status", "source", "created_at", "confirmed_at"]
    export_filename = "subscribers"
    search_fields = ["email"]
    search_backend_name = None
    panels = [FieldPanel("email"), FieldPanel("status"), FieldPanel("newsletters")]


class NewsletterGroup(SnippetViewSetGroup):
    items = (NewsletterViewSet, IssueViewSet, SubscriberViewSet)
    menu_icon = "mail"
    menu_label = "Newsletters"
    menu_name = "newsletters"
    menu_order = 260


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "newsletters/issues/<int:pk>/review/",
            admin_views.review_issue,
            name="newsletter_review",
        ),
        path(
            "newsletters/issues/<int:pk>/send/",
            admin_views.confirm_send,
            name="newsletter_send",
        ),
        path(
            "newsletters/issues/<int:pk>/preview/",
            admin_views.preview_issue,
            name="newsletter_preview",
        ),
        path(
            "newsletters/subscribers/import/",
            admin_views.import_subscribers,
            name="newsletter_import",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def review_button(snippet, user, next_url=None):
    if isinstance(snippet, Issue) and user.has_perm("newsletter.change_issue"):
        if snippet.status in admin_views.SENT_STATUSES:
            label = "Deliveries"
        elif user.has_perm(admin_views.SEND):
            label = "Review and send"
        else:
            label = "Review"
        yield ListingButton(
            label,
            reverse("newsletter_review", args=[snippet.pk]),
            icon_name="mail",
            priority=5,
        )


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return PermissionMenuItem(
        "Import subscribers",
        reverse("newsletter_import"),
        icon_name="upload",
        order=261,
        permission=admin_views.IMPORT,
    )


def _today(request, now):
    """Issues due in the next 48 hours, and addresses that bounced since yesterday."""
    user = request.user
    items = []
    if user.has_perm("newsletter.change_issue"):
        due = Issue.objects.filter(
            status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED],
            scheduled_for__lte=now + HORIZON,
        ).select_related("newsletter")
        items += [
            TodayItem(
                "Newsletter issues",
                f"{issue.subject} ({issue.get_status_display().lower()})",
                reverse("newsletter_review", args=[issue.pk]),
                issue.scheduled_for,
            )
            for issue in due
        ]
    if user.has_perm("newsletter.view_subscriber"):
        bounced = Subscriber.objects.filter(
            status=Subscriber.Status.BOUNCED,
            bounced_at__gte=now - timedelta(hours=24),
        ).count()
        if bounced:
            items.append(
                TodayItem(
                    "Newsletter bounces",
                    ngettext(
                        "%(n)d address bounced since yesterday",
                        "%(n)d addresses bounced since yesterday",
                        bounced,
                    )
                    % {"n": bounced},
                    reverse("wagtailsnippets_newsletter_subscriber:list")
                    + "?status=bounced",
                )
            )
    return items


register_today(_today)
