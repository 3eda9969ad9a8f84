"""The admin's page form: a slug clash says what holds the slug, and child
rows that would break a unique constraint are refused with a message."""

from django.db import models
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

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            for formset in self.formsets.values():
                valid = _no_repeated_rows(formset, self.instance) and valid
        return valid


def _unique_fields(model, parent_field: str) -> list[tuple[str, ...]]:
    """The other fields of each unique constraint on ``model`` that includes
    its parent, e.g. ("author",) for one byline per author and article."""
    groups = [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ] + [tuple(group) for group in model._meta.unique_together]
    return [
        tuple(f for f in group if f != parent_field)
        for group in groups
        if parent_field in group and len(group) > 1
    ]


def _no_repeated_rows(formset, parent) -> bool:
    """Refuse a second row with the same values where a constraint allows one.

    The formset checks its own rows against each other; but modelcluster
    also keeps the saved rows a form does not mention (a hand-made or stale
    form), and a repeat among those would fail in the database, as a 500.
    """
    groups = _unique_fields(formset.model, formset.fk.name)
    if not groups:
        return True
    forms = [f for f in formset.forms if not formset._should_delete_form(f)]
    mentioned = {f.instance.pk for f in formset.forms if f.instance.pk}
    kept = []
    if parent.pk is not None:
        kept = formset.model.objects.filter(**{formset.fk.name: parent}).exclude(
            pk__in=mentioned
        )

    def value(row_or_data, field):
        item = (
            row_or_data.get(field)
            if isinstance(row_or_data, dict)
            else getattr(row_or_data, field)
        )
        return getattr(item, "pk", item)

    rows = [*kept, *(f.cleaned_data for f in forms if f.cleaned_data)]
    for group in groups:
        keys = [tuple(value(row, field) for field in group) for row in rows]
        if len(keys) != len(set(keys)):
            label = ", ".join(
                str(formset.model._meta.get_field(f).verbose_name) for f in group
            )
            # Shown above the rows, where the formset's own errors go.
            formset.non_form_errors().append(f"Each {label} may appear only once.")
            return False
    return True


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
