from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from broadsheet.core.chrome import site_chrome
from broadsheet.core.mail import public_url, send_later


class PublicSite:
    """What allauth's mail templates call ``current_site``: name and address."""

    def __init__(self, name: str):
        self.name = name
        self.domain = urlsplit(public_url("/")).netloc

    def __str__(self):
        return self.name


class AccountAdapter(DefaultAccountAdapter):
    """allauth, sending its mail through the background worker.

    Its links use the site's public address like all other mail, not the
    host a request happened to name.
    """

    def _site_name(self) -> str:
        request = getattr(self, "request", None)
        if request is None:
            return settings.WAGTAIL_SITE_NAME
        return site_chrome(request)["site_name"] or settings.WAGTAIL_SITE_NAME

    def send_mail(self, template_prefix, email, context):
        context = {
            "email": email,
            "current_site": PublicSite(self._site_name()),
            **context,
        }
        # allauth builds some links ("account already exists", "unknown
        # account") from the request's host: move them to the public address.
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str) and "://" in value:
                context[key] = _on_public_address(value)
        message = self.render_mail(template_prefix, email, context)
        send_later(message)

    def is_open_for_signup(self, request):
        return settings.SIGNUP_OPEN

    def format_email_subject(self, subject):
        return f"{subject} · {self._site_name()}"

    def get_email_confirmation_url(self, request, emailconfirmation):
        return _on_public_address(
            super().get_email_confirmation_url(request, emailconfirmation)
        )

    def get_reset_password_from_key_url(self, key):
        return _on_public_address(super().get_reset_password_from_key_url(key))


def _on_public_address(url: str) -> str:
    parts = urlsplit(url)
    return public_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
