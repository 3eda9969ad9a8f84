"""The issue editor's form: the articles an editor picks, checked."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from broadsheet.core.visibility import visible_pages
from broadsheet.newsroom.models import ArticlePage


class IssueForm(WagtailAdminModelForm):
    """An issue's fields and its articles (add, remove, reorder with a chooser).

    Each article may appear once and must be one readers can open. Changing
    the articles by hand keeps them: the issue is no longer refreshed with
    the latest ones when it goes out.
    """

    def is_valid(self):
        valid = super().is_valid()
        items = self.formsets.get("items")
        if not valid or items is None:
            return valid
        chosen = [
            (form, form.cleaned_data["article"])
            for form in items.forms
            if form.cleaned_data.get("article") is not None
            and not form.cleaned_data.get("DELETE")
        ]
        # One query for all of them, by the one rule of what readers see.
        visible = set(
            visible_pages(
                ArticlePage.objects.filter(pk__in=[a.pk for _, a in chosen])
            ).values_list("pk", flat=True)
        )
        seen = set()
        for form, article in chosen:
            if article.pk in seen:
                form.add_error("article", _("This article is already in the issue."))
            elif article.pk not in visible:
                form.add_error(
                    "article",
                    _("“%(title)s” is not published: readers could not open it.")
                    % {"title": article.title},
                )
            seen.add(article.pk)
        return not any(form.errors for form in items.forms)

    def save(self, commit=True):
        items = self.formsets.get("items")
        if items is not None and items.has_changed():
            self.instance.auto_articles = False
        return super().save(commit=commit)
