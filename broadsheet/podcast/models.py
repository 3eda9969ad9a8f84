"""A podcast: a show page with episode pages under it."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from broadsheet.core.page_forms import PageForm
from broadsheet.core.page_permissions import RolePermissionsMixin
from broadsheet.core.visibility import (
    published_pages,
    visible_page_ids,
    visible_pages,
)
from broadsheet.newsroom.models import ArticlePage, validate_slug_not_reserved
from broadsheet.podcast import categories, media

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
NOTES_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def validate_artwork(image) -> None:
    """Apple's rule: square, 1400 to 3000 pixels a side."""
    width, height = image.width, image.height
    if width != height:
        raise ValidationError(
            {
                "artwork": _("Artwork must be square; this image is %(w)s×%(h)s.")
                % {"w": width, "h": height}
            }
        )
    if not ARTWORK_MIN <= width <= ARTWORK_MAX:
        raise ValidationError(
            {
                "artwork": _(
                    "Artwork must be 1400 to 3000 pixels a side; "
                    "this image is %(w)s×%(h)s."
                )
                % {"w": width, "h": height}
            }
        )


class Platform(models.TextChoices):
    APPLE = "apple", "Apple Podcasts"
    SPOTIFY = "spotify", "Spotify"
    YOUTUBE_MUSIC = "youtube-music", "YouTube Music"
    POCKET_CASTS = "pocket-casts", "Pocket Casts"
    OVERCAST = "overcast", "Overcast"
    CASTBOX = "castbox", "Castbox"


# The namespace the Podcasting 2.0 specification fixes for podcast:guid.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def guid_for_feed(feed_url: str) -> uuid.UUID:
    """podcast:guid as the spec defines it: UUIDv5 of the URL without scheme."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return uuid.uuid5(PODCAST_GUID_NAMESPACE, bare)


class PodcastShowPage(RolePermissionsMixin, Page):
    """A show: what podcast apps list, with its episodes as child pages."""

    base_form_class = PageForm

    description = models.TextField(_("description"), max_length=4000)
    artwork = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("artwork"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Square JPEG or PNG, 1400 to 3000 pixels a side (Apple's rule)."),
    )
    author_name = models.CharField(_("author"), max_length=200)
    owner_name = models.CharField(_("owner name"), max_length=200)
    owner_email = models.EmailField(
        _("owner email"), help_text=_("Podcast directories write here to verify you.")
    )
    language = models.CharField(_("language"), max_length=16, default="en")
    category = models.CharField(
        _("category"), max_length=80, choices=categories.CHOICES
    )
    second_category = models.CharField(
        _("second category"), max_length=80, choices=categories.CHOICES, blank=True
    )
    explicit = models.BooleanField(_("explicit"), default=False)
    show_type = models.CharField(
        _("show type"),
        max_length=10,
        choices=[("episodic", _("Episodic")), ("serial", _("Serial"))],
        default="episodic",
        help_text=_("Serial shows are listened to in order, oldest first."),
    )
    copyright = models.CharField(_("copyright"), max_length=200, blank=True)
    feed_locked = models.BooleanField(
        _("locked"),
        default=True,
        help_text=_("Stop other podcast hosts from importing this feed."),
    )
    # Podcasting 2.0's podcast:guid: a UUIDv5 of the feed address, fixed when
    # the show is first saved so it survives a change of address.
    podcast_guid = models.UUIDField(null=True, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("artwork"),
        MultiFieldPanel(
            [
                FieldPanel("author_name"),
                FieldPanel("owner_name"),
                FieldPanel("owner_email"),
                FieldPanel("copyright"),
            ],
            heading=_("People"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("language"),
                FieldPanel("category"),
                FieldPanel("second_category"),
                FieldPanel("explicit"),
                FieldPanel("show_type"),
                FieldPanel("feed_locked"),
            ],
            heading=_("Directory listing"),
        ),
        InlinePanel("platform_links", label=_("Listen on")),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["podcast.EpisodePage"]

    class Meta:
        verbose_name = _("podcast show")

    def clean(self):
        super().clean()
        validate_slug_not_reserved(self)
        if self.artwork_id:
            validate_artwork(self.artwork)

    def feed_path(self) -> str:
        return reverse("podcast:feed", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if self.podcast_guid is None and self.slug:
            self.podcast_guid = guid_for_feed(settings.BASE_URL + self.feed_path())
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "podcast_guid"}
        return super().save(*args, **kwargs)

    def episodes(self, *, on_show_page: bool = False):
        """Return the episodes readers may see, in the show's order.

        The show page is served by Wagtail's privacy flow, so whoever sees it
        passed the show's own restrictions, if any: there it lists the
        published episodes except those restricted on their own. Everywhere
        else (the feed) it is the one rule, ``visible_pages``.
        """
        order = "release_date" if self.show_type == "serial" else "-release_date"
        children = EpisodePage.objects.child_of(self)
        if on_show_page:
            found = published_pages(children).exclude(
                pk__in=PageViewRestriction.objects.values("page_id")
            )
        else:
            found = visible_pages(children)
        return (
            found.filter(release_date__lte=timezone.now())
            .select_related("audio")
            .order_by(order)
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["show"] = self
        context["episodes"] = list(self.episodes(on_show_page=True))
        context["platforms"] = list(self.platform_links.all())
        return context


@register_setting(icon="microphone")
class PodcastPromo(BaseSiteSetting):
    """The podcast's box on article pages and the home page."""

    show = models.ForeignKey(
        "podcast.PodcastShowPage",
        verbose_name=_("show"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for the newest show."),
    )
    on_articles = models.BooleanField(_("after every article"), default=True)
    on_home = models.BooleanField(_("on the home page"), default=True)

    panels = [FieldPanel("show"), FieldPanel("on_articles"), FieldPanel("on_home")]

    class Meta:
        verbose_name = _("podcast promotion")


class PlatformLink(Orderable):
    show = ParentalKey(
        PodcastShowPage, on_delete=models.CASCADE, related_name="platform_links"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("address of the show there"))

    panels = [FieldPanel("platform"), FieldPanel("url")]


class EpisodePage(RolePermissionsMixin, Page):
    """An episode: audio read and measured on save, notes, transcript, chapters."""

    base_form_class = PageForm

    number = models.PositiveIntegerField(_("episode number"), null=True, blank=True)
    season = models.PositiveIntegerField(_("season"), null=True, blank=True)
    episode_type = models.CharField(
        _("episode type"),
        max_length=10,
        choices=[("full", _("Full")), ("trailer", _("Trailer")), ("bonus", _("Bonus"))],
        default="full",
    )
    summary = models.TextField(
        _("summary"), max_length=4000, help_text=_("A few plain sentences.")
    )
    show_notes = RichTextField(_("show notes"), features=NOTES_FEATURES, blank=True)
    audio = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("audio"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("An MP3 or M4A file; its length and duration are read from it."),
    )
    transcript = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("transcript"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: a WebVTT (.vtt) or SRT (.srt) file."),
    )
    chapters = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("chapters"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: a JSON Chapters (.json) file."),
    )
    release_date = models.DateTimeField(_("publish date"), default=timezone.now)
    explicit = models.BooleanField(_("explicit"), default=False)
    # Read from the files in clean(); never typed in.
    duration = models.PositiveIntegerField(default=0, editable=False)
    audio_size = models.BigIntegerField(default=0, editable=False)
    audio_type = models.CharField(max_length=40, blank=True, editable=False)
    transcript_cues = models.JSONField(default=list, blank=True, editable=False)
    chapter_list = models.JSONField(default=list, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("number"),
                FieldPanel("season"),
                FieldPanel("episode_type"),
                FieldPanel("release_date"),
                FieldPanel("explicit"),
            ],
            heading=_("Episode"),
        ),
        FieldPanel("summary"),
        FieldPanel("audio"),
        FieldPanel("transcript"),
        FieldPanel("chapters"),
        FieldPanel("show_notes"),
        InlinePanel("linked_articles", label=_("Linked article")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("show_notes"),
    ]
    parent_page_types = ["podcast.PodcastShowPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("podcast episode")

    def clean(self):
        super().clean()
        self.read_files()

    def read_files(self) -> None:
        """Measure the audio and parse transcript and chapters, or say what is wrong."""
        errors = {}
        for field, reader in (
            ("audio", self._read_audio),
            ("transcript", self._read_transcript),
            ("chapters", self._read_chapters),
        ):
            try:
                reader()
            except media.MediaError as error:
                errors[field] = str(error)
        if errors:
            raise ValidationError(errors)

    def _read_audio(self):
        if not self.audio_id:
            return
        document = self.audio
        try:
            with document.file.open("rb") as handle:
                info = media.read_audio(handle, document.file.name)
        except OSError as error:
            raise media.MediaError("The audio file cannot be read.") from error
        self.duration, self.audio_size = info.duration, info.size
        self.audio_type = info.mime_type

    def _read_text(self, document) -> bytes:
        try:
            with document.file.open("rb") as handle:
                return handle.read(media.MAX_TEXT_BYTES + 1)
        except OSError as error:
            raise media.MediaError("The file cannot be read.") from error

    def _read_transcript(self):
        self.transcript_cues = []
        if self.transcript_id:
            self.transcript_cues = media.parse_transcript(
                self._read_text(self.transcript), self.transcript.file.name
            )

    def _read_chapters(self):
        self.chapter_list = []
        if self.chapters_id:
            self.chapter_list = media.parse_chapters(self._read_text(self.chapters))

    @property
    def extension(self) -> str:
        return "m4a" if self.audio_type == "audio/mp4" else "mp3"

    def audio_path(self) -> str:
        return reverse("podcast:audio", kwargs={"pk": self.pk, "ext": self.extension})

    def transcript_path(self) -> str:
        return reverse("podcast:transcript", kwargs={"pk": self.pk})

    def chapters_path(self) -> str:
        return reverse("podcast:chapters", kwargs={"pk": self.pk})

    @property
    def duration_clock(self) -> str:
        return media.clock(self.duration)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        show = PodcastShowPage.objects.select_related("artwork").get(
            path=self.path[: -self.steplen]
        )
        context["show"] = show
        context["platforms"] = list(show.platform_links.all())
        context["articles"] = [
            link.article
            for link in self.linked_articles.filter(
                article__in=visible_page_ids(ArticlePage)
            ).select_related("article")
        ]
        context["chapters"] = [
            {**chapter, "clock": media.clock(chapter["start"])}
            for chapter in self.chapter_list
        ]
        context["cues"] = [
            {**cue, "clock": media.clock(cue["start"])} for cue in self.transcript_cues
        ]
        return context


class EpisodeArticle(Orderable):
    episode = ParentalKey(
        EpisodePage, on_delete=models.CASCADE, related_name="linked_articles"
    )
    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]
