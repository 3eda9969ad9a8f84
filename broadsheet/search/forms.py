"""The search form: the query as typed, the filters and the order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from broadsheet.search.query import MAX_LENGTH
from broadsheet.search.services import PERIODS, Filters

SORTS = (("relevance", _("Best match")), ("newest", _("Newest first")))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    section = forms.SlugField(required=False, max_length=80)
    tag = forms.SlugField(required=False, max_length=100, allow_unicode=True)
    author = forms.SlugField(required=False, max_length=80)
    period = forms.ChoiceField(
        label=_("Published"),
        required=False,
        choices=[("", _("Any time"))] + [(name, name) for name in PERIODS],
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Give the first day as YYYY-MM-DD.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Give the last day as YYYY-MM-DD.")},
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def __init__(self, data, *args, **kwargs):
        # Readers' forms are GET forms: anything odd in the address (a list
        # for a single value, a NUL byte) is an error message, not a crash.
        super().__init__(data, *args, **kwargs)
        self.fields["q"].max_length = None
        self.fields["q"].widget.attrs.update(
            {"maxlength": MAX_LENGTH, "type": "search", "autocomplete": "off"}
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day comes before the first."))
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            section=data.get("section") or "",
            tag=data.get("tag") or "",
            author=data.get("author") or "",
            period=data.get("period") or "",
            start=data.get("start"),
            end=data.get("end"),
        )
