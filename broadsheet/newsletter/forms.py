from django import forms
from django.utils.translation import gettext_lazy as _

from broadsheet.newsletter.models import Newsletter


class NewsletterChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        # An id the database cannot even hold is simply not a choice.
        for item in value or []:
            if not (isinstance(item, str) and item.isdigit() and len(item) < 10):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super().clean(value)

    def label_from_instance(self, newsletter):
        return f"{newsletter.name}: {newsletter.description}"


class SubscribeForm(forms.Form):
    # Checked by addresses.clean_address, which explains what is wrong.
    email = forms.CharField(
        label=_("Email address"),
        max_length=1000,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    newsletters = NewsletterChoiceField(
        label=_("Newsletters"),
        queryset=Newsletter.objects.filter(is_active=True),
        error_messages={"required": _("Choose at least one newsletter.")},
    )


class ManageForm(forms.Form):
    newsletters = NewsletterChoiceField(
        label=_("Send me"),
        queryset=Newsletter.objects.filter(is_active=True),
        required=False,
    )
