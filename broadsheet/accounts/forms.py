from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from broadsheet.accounts import names, services
from broadsheet.accounts.models import Member
from broadsheet.core.text import without_bidi_controls


def _clean_display_name(value: str, member: Member | None = None) -> str:
    try:
        return services.display_name_problem(value, member=member)
    except services.NameTaken as taken:
        raise ValidationError(str(taken), code="taken") from None


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=names.MAX_LENGTH * 2,
        help_text=_("Shown with your comments. Letters, digits, spaces and . - _ '"),
    )
    notify_replies = forms.BooleanField(
        label=_("Email me when someone replies to my comments"), required=False
    )
    field_order = ["display_name", "email", "password1", "password2", "notify_replies"]

    def clean_display_name(self):
        return _clean_display_name(self.cleaned_data["display_name"])

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            services.member_create(
                user=user,
                display_name=self.cleaned_data["display_name"],
                notify_replies=self.cleaned_data["notify_replies"],
            )
        return user


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )

    class Meta:
        model = Member
        fields = ["display_name", "bio", "website", "notify_replies"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_display_name(self):
        return _clean_display_name(self.cleaned_data["display_name"], self.instance)

    def clean_website(self):
        url = self.cleaned_data["website"]
        if without_bidi_controls(url) != url or not url.isprintable():
            raise ValidationError(
                _(
                    "Web addresses cannot contain invisible or "
                    "direction-changing characters."
                )
            )
        if url and not url.lower().startswith(("https://", "http://")):
            raise ValidationError(_("Use a web address starting with https://."))
        return url


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand my account cannot be restored."), required=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password
