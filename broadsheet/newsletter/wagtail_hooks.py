from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from broadsheet.newsletter import admin_views
from broadsheet.newsletter.models import Issue, Newsletter, Subscriber


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
