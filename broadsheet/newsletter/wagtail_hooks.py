from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from broadsheet.newsletter import admin_views
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


class IssueViewSet(SnippetViewSet):
    model = Issue
    icon = "doc-full"
    chooser_viewset_class = PrivateChooserViewSet
    menu_label = "Issues"
    list_display = ["subject", "newsletter", "scheduled_for", "status"]
    list_filter = ["newsletter", "status"]
    search_fields = ["subject", "intro"]
    search_backend_name = None
    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("intro"),
        FieldPanel("scheduled_for"),
    ]


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


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.IMPORT)


@hooks.register("register_snippet_listing_buttons")
def review_button(snippet, user, next_url=None):
    if isinstance(snippet, Issue) and user.has_perm("newsletter.change_issue"):
        yield ListingButton(
            "Review and send" if user.has_perm(admin_views.SEND) else "Review",
            reverse("newsletter_review", args=[snippet.pk]),
            icon_name="mail",
            priority=5,
        )


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(
        "Import subscribers",
        reverse("newsletter_import"),
        icon_name="upload",
        order=261,
    )
