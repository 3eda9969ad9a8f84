"""The admin's page form, with a slug clash that says what holds the slug."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from wagtail.admin.forms import WagtailAdminPageForm


class PageForm(WagtailAdminPageForm):
    """Wagtail's page form, naming the page that already uses a slug.

    An article started and then abandoned is kept as a draft by Wagtail's
    autosave, and keeps its slug. Wagtail only says the slug "is already in
    use"; an editor writing the same story again cannot tell where. This
    says which page it is, whether it was ever published, and links to it.
    """

    def clean(self):
        cleaned = super().clean()
        if self.has_error("slug") and self.parent_page is not None:
            slug = self.data.get(self.add_prefix("slug"), "")
            holder = (
                self.parent_page.get_children()
                .filter(slug=slug)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if holder is not None:
                self.errors["slug"] = self.error_class([slug_taken_message(holder)])
        return cleaned


def slug_taken_message(holder) -> str:
    edit_url = reverse("wagtailadmin_pages:edit", args=[holder.pk])
    if holder.first_published_at is None:
        saved = holder.latest_revision_created_at or holder.last_published_at
        return format_html(
            "This slug is used by an unpublished draft, "
            '<a href="{}">“{}”</a>, last saved {}. Open the draft to carry on '
            "with it (or delete it there), or choose another slug.",
            edit_url,
            holder.title,
            date_format(localtime(saved), "j F Y, H:i") if saved else "earlier",
        )
    return format_html(
        'This slug is used by <a href="{}">“{}”</a>{}. Choose another slug.',
        edit_url,
        holder.title,
        "" if holder.live else ", now unpublished",
    )
