from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits.")
)


@register_setting(icon="site")
class Branding(BaseSiteSetting):
    """The publication's name, tagline and logo, edited under Settings."""

    site_name = models.CharField(_("site name"), max_length=80, default="Broadsheet")
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A square or wide mark; shown beside the site name."),
    )
    theme_colour = models.CharField(
        _("theme colour"),
        max_length=7,
        default="#8a1c1c",
        validators=[HEX_COLOUR],
        help_text=_("Colour of the installed app's title bar and icon, as #rrggbb."),
    )
    background_colour = models.CharField(
        _("background colour"),
        max_length=7,
        default="#fdfcf9",
        validators=[HEX_COLOUR],
        help_text=_("Colour shown while the installed app starts, as #rrggbb."),
    )
    footer_text = models.CharField(
        _("footer text"),
        max_length=255,
        blank=True,
        help_text=_("A short line shown at the bottom of every page."),
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("footer_text"),
        FieldPanel("theme_colour"),
        FieldPanel("background_colour"),
    ]

    class Meta:
        verbose_name = _("branding")


class ContentChange(models.Model):
    """A single row recording when anything a reader sees last changed.

    Reader pages use it as their Last-Modified / ETag validator, so a
    conditional GET is answered with one primary-key lookup and no rendering.
    """

    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("content change marker")

    def __str__(self):
        return f"Content changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class PagePurge(models.Model):
    """One purge of the page cache, which every serving process applies.

    Appended by ``core.pagecache.coherence.purge``; each process reads the
    rows after the last it saw. Rows older than an hour are pruned.
    """

    keys = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("page cache purge")

    def __str__(self):
        return self.keys
