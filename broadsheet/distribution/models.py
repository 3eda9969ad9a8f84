import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

ROBOTS_LINE = re.compile(
    r"^(?:#.*|(?:user-agent|allow|disallow|crawl-delay|sitemap)\s*:\s*\S.*)?$", re.I
)


def validate_robots_rules(value: str) -> None:
    for number, line in enumerate(value.splitlines(), start=1):
        if not ROBOTS_LINE.match(line.strip()):
            raise ValidationError(
                _("Line %(number)s is not a robots.txt rule: “%(line)s”."),
                params={"number": number, "line": line.strip()},
            )


@register_setting(icon="search")
class SearchEngines(BaseSiteSetting):
    """What search engines and crawlers are told about this site."""

    hide_from_search_engines = models.BooleanField(
        _("hide the whole site from search engines"),
        default=False,
        help_text=_(
            "For staging or private sites: every crawler is asked to stay away."
        ),
    )
    robots_rules = models.TextField(
        _("extra robots.txt rules"),
        blank=True,
        validators=[validate_robots_rules],
        help_text=_(
            "Added to robots.txt, one rule per line, e.g. “User-agent: ExampleBot” "
            "then “Disallow: /”."
        ),
    )

    panels = [FieldPanel("hide_from_search_engines"), FieldPanel("robots_rules")]

    class Meta:
        verbose_name = _("search engines")
