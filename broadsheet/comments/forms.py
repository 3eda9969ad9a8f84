import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadsheet.comments.models import Report

_STARTED_SALT = "broadsheet.comments.started"
FORM_MAX_AGE = 24 * 60 * 60


def started_token() -> str:
    """Sign the time a form was shown, to tell people from instant bots."""
    return signing.dumps(time.time(), salt=_STARTED_SALT)


class CommentForm(forms.Form):
    # Refuse a post sent sooner after the form was shown than anyone can write.
    check_pace = True

    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Markdown: *italic*, **bold**, `code`, > quote, lists and links."
        ),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = started_token()
        self.max_length = settings.COMMENTS["MAX_LENGTH"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("This looks automated: leave the hidden “website” field empty."),
                code="honeypot",
            )
        try:
            started = signing.loads(
                cleaned.get("started") or "", salt=_STARTED_SALT, max_age=FORM_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form has expired. Your text is kept below: post it again."),
                code="expired",
            ) from None
        too_soon = time.time() - float(started) < settings.COMMENTS["MIN_FILL_SECONDS"]
        if self.check_pace and too_soon:
            raise forms.ValidationError(
                _(
                    "That was quicker than anyone can write. "
                    "Wait a moment and post again."
                ),
                code="too_fast",
            )
        return cleaned

    def again(self) -> "CommentForm":
        """A new form holding what was written, with a fresh timing token."""
        return type(self)(
            initial={
                "text": self.data.get("text", ""),
                "reply_to": self.data.get("reply_to") or None,
            }
        )

    def messages(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]


class CommentEditForm(CommentForm):
    """Editing one's own comment: fixing a typo takes seconds, so no pace check."""

    check_pace = False


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with this comment?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything the moderators should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
