from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from broadsheet.core.chrome import site_chrome
from broadsheet.core.mail import send_later


class AccountAdapter(DefaultAccountAdapter):
    """allauth, sending its mail through the background worker."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        send_later(message)

    def is_open_for_signup(self, request):
        return settings.SIGNUP_OPEN

    def format_email_subject(self, subject):
        request = getattr(self, "request", None)
        site_name = (
            site_chrome(request)["site_name"] if request else settings.WAGTAIL_SITE_NAME
        )
        return f"{subject} · {site_name}"
