from django import template
from wagtail.admin.templatetags.wagtailadmin_tags import wagtail_config

register = template.Library()


@register.simple_tag(takes_context=True)
def wagtail_config_without_csrf(context):
    """Wagtail's admin JS config, minus the CSRF token (and so the cookie).

    Only for the sign-in page, whose form fetches its token on first use.
    """
    request = context["request"]
    needed_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    config = wagtail_config(context)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = needed_before
    config["CSRF_TOKEN"] = ""
    return config
