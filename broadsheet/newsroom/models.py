"""Page types and snippets of the newsroom: home, sections, articles, authors."""

import math
from html import unescape

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
    TitleFieldPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from broadsheet.core.chrome import content_version
from broadsheet.core.page_forms import PageForm
from broadsheet.core.page_permissions import RolePermissionsMixin
from broadsheet.core.pagecache.keys import depends_on
from broadsheet.core.search_text import FoldedAutocompleteField, FoldedSearchField
from broadsheet.core.visibility import page_is_visible
from broadsheet.newsroom import dependencies, extensions, selectors
from broadsheet.newsroom.blocks import ArticleBodyBlock, TakeawayBlock
from broadsheet.newsroom.panels import EditorNotesPanel, PublishingChecksPanel

# Top-level paths served by Broadsheet itself; a page with one of these slugs
# would be unreachable or would hide a feature, so editors cannot use them.
RESERVED_SLUGS = frozenset(
    "admin django-admin static media tags authors latest search feeds feed "
    "sitemap sitemap.xml robots.txt accounts api offline saved privacy icons "
    "sw.js manifest.webmanifest documents csrf feed.xml feed.atom feed.json llms.txt "
    "oembed cards share members comments newsletters podcast follow "
    "opensearch.xml healthz readyz metrics analytics archive".split()
)
WORDS_PER_MINUTE = 230


def validate_slug_not_reserved(page: Page) -> None:
    if page.slug in RESERVED_SLUGS:
        raise ValidationError(
            {
                "slug": _("“%(slug)s” is used by Broadsheet itself; choose another.")
                % {"slug": page.slug}
            }
        )


class Author(index.Indexed, models.Model):
    """A journalist's public profile; snippets, so one author writes many articles."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    role = models.CharField(_("role"), max_length=120, blank=True)
    bio = models.TextField(_("biography"), max_length=1200, blank=True)
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("For the newsroom only: never shown to readers."),
    )
    avatar = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("avatar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("email"),
        FieldPanel("avatar"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:author", kwargs={"slug": self.slug})


class HomePage(RolePermissionsMixin, Page):
    """The front page: lead story, latest articles and a rail per section."""

    lead_article = models.ForeignKey(
        "newsroom.ArticlePage",
        verbose_name=_("lead article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Pinned at the top. Leave empty to lead with the newest article."),
    )

    content_panels = Page.content_panels + [PageChooserPanel("lead_article")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "newsroom.SectionPage",
        "newsroom.ArticlePage",
        "podcast.PodcastShowPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.front_page(
                lead=self.lead_article_id, version=content_version(request)
            )
        )
        extensions.extend_front_page_context(self, request, context)
        return context


class SectionPage(RolePermissionsMixin, Page):
    """A desk such as News or Analysis, listing its articles newest first."""

    base_form_class = PageForm

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("section")

    def clean(self):
        super().clean()
        validate_slug_not_reserved(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = selectors.paginate_cards(
            request, selectors.section_articles(self)
        )
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(RolePermissionsMixin, Page):
    """A news story. Lives directly under the home page, so its URL is ``/<slug>/``."""

    base_form_class = PageForm

    standfirst = models.CharField(
        _("standfirst"),
        # Over 300 characters is warned about, not refused (editorial_checks).
        max_length=600,
        help_text=_("One sentence under the headline that tells the story."),
    )
    takeaways = StreamField(
        [("takeaway", TakeawayBlock())],
        # Optional: a count error shown on an empty new article before
        # anything was typed reads as a mistake. Publishing without any
        # is warned about instead (see the pre-publish checks).
        blank=True,
        max_num=5,
        verbose_name=_("key takeaways"),
        help_text=_("Up to five short points, shown in a box at the top."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_alt = models.CharField(
        _("hero image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it."),
    )
    hero_caption = models.CharField(_("hero caption"), max_length=300, blank=True)
    hero_credit = models.CharField(_("hero credit"), max_length=120, blank=True)
    section = models.ForeignKey(
        "newsroom.SectionPage",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("social card image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the article is shared. Leave empty for a card drawn from "
            "the headline and hero image."
        ),
    )
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    comments_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_(
            "Untick to close the conversation. Comments also close by themselves "
            "some days after publication (BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS)."
        ),
    )

    content_panels = [
        PublishingChecksPanel(heading=_("Before publishing")),
        EditorNotesPanel(heading=_("About this article")),
        TitleFieldPanel(
            "title",
            placeholder=_("Headline"),
            help_text=_("Search results show about the first 110 characters."),
        ),
        FieldPanel("standfirst"),
        FieldPanel("takeaways"),
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_alt"),
                FieldPanel("hero_caption"),
                FieldPanel("hero_credit"),
            ],
            heading=_("Hero image"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                PageChooserPanel("section", "newsroom.SectionPage"),
                InlinePanel("article_authors", label=_("Author"), min_num=1),
                FieldPanel("tags"),
            ],
            heading=_("Section, authors and tags"),
        ),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]
    settings_panels = Page.settings_panels + [FieldPanel("comments_open")]
    # Readers' search ranks the headline and takeaways (indexed together as
    # "title") above the standfirst, then the section, tags and bylines, then
    # the body; all folded (case and accents). The search app indexes an
    # article from the worker once its publishing commits, with its authors
    # and tags saved, so Wagtail's own save-time indexing is off.
    search_auto_update = False
    search_fields = Page.search_fields + [
        FoldedSearchField("title", value="headline_text", boost=10),
        FoldedAutocompleteField("title"),
        FoldedSearchField("standfirst", boost=4),
        FoldedSearchField("labels_text", boost=2),
        FoldedSearchField("body", value="body_text"),
        index.FilterField("section"),
    ]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")

    def clean(self):
        super().clean()
        validate_slug_not_reserved(self)
        # A hero without alt text is warned about before publishing
        # (editorial_checks), not refused: that is the editor's call.

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # A draft being saved (Wagtail names only its bookkeeping fields)
        # must not change the live page's reading time.
        if update_fields is None or "body" in update_fields:
            self.reading_minutes = reading_minutes(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "reading_minutes"}
        return super().save(*args, **kwargs)

    @property
    def authors(self):
        return [link.author for link in self.article_authors.all()]

    @classmethod
    def get_indexed_objects(cls):
        # What the search fields read, fetched with the rows.
        return (
            super()
            .get_indexed_objects()
            .select_related("section")
            .prefetch_related("tags", "article_authors__author")
        )

    def headline_text(self) -> str:
        """The headline and the key takeaways, as plain text."""
        takeaways = (item.get("value") or "" for item in self.takeaways.raw_data)
        return "\n".join([self.title, *takeaways])

    def labels_text(self) -> str:
        """The section, tags and bylines, as plain text."""
        section = self.section.title if self.section_id else ""
        tags = [tag.name for tag in self.tags.all()]
        return "\n".join([section, *tags, *(a.name for a in self.authors)])

    def body_text(self) -> str:
        """The body's words: paragraphs, subheadings, quotes and code, one per line."""
        # From the stored JSON: no block is built (an image block would
        # fetch its image), which keeps indexing an archive fast.
        return "\n".join(filter(None, map(_block_text, self.body.raw_data)))

    @property
    def hero_alt_text(self) -> str:
        if self.hero_alt:
            return self.hero_alt
        return self.hero_image.description if self.hero_image else ""

    @property
    def was_updated(self) -> bool:
        """True when the story was republished well after it first appeared."""
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and (last - first).total_seconds() > 15 * 60)

    def serve(self, request, *args, **kwargs):
        # Content negotiation: tools asking for Markdown get the .md version,
        # which exists only for pages every reader may see; someone who passed
        # a view restriction gets the page itself.
        if prefers_markdown(request.headers.get("Accept", "")) and page_is_visible(
            self
        ):
            response = HttpResponseRedirect(f"/{self.slug}.md", status=303)
        else:
            response = super().serve(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template keeps the article's HTML until content changes,
        # so most requests never read its authors and tags.
        context["authors"] = SimpleLazyObject(lambda: selectors.article_authors(self))
        context["tags"] = SimpleLazyObject(lambda: list(self.tags.all()))
        extensions.extend_article_context(self, request, context)
        # Lazy: the template caches this rail under the content version, so
        # most requests never run its queries; the page depends on the
        # section's list whether the rail is rendered or not.
        if self.section_id:
            depends_on(dependencies.section_list(self.section_id))
        context["related_articles"] = SimpleLazyObject(
            lambda: selectors.related_articles(self)
        )
        return context


def prefers_markdown(accept: str) -> bool:
    """True when an Accept header ranks text/markdown above text/html."""
    quality = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(q, quality.get(media.lower(), 0.0))
    markdown = quality.get("text/markdown", 0.0)
    html = max(quality.get("text/html", 0.0), quality.get("*/*", 0.0) * 0.99)
    return markdown > 0 and markdown > html


def _block_text(block: dict) -> str:
    """The words of one body block, from its stored form."""
    kind, value = block.get("type"), block.get("value")
    if kind == "paragraph":
        return unescape(strip_tags(value or ""))
    if kind == "quote":
        return (value or {}).get("quote", "")
    if kind == "pull_quote":
        return value or ""
    if kind == "subheading":
        return (value or {}).get("text", "")
    if kind == "code":
        return (value or {}).get("code", "")
    return ""


def reading_minutes(article: ArticlePage) -> int:
    """Estimate minutes to read the standfirst and body at an adult reading pace."""
    words = len(article.standfirst.split()) + len(article.body_text().split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


class ArticleAuthor(Orderable):
    page = ParentalKey(
        ArticlePage, on_delete=models.CASCADE, related_name="article_authors"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT)

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("article author")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "author"], name="unique_article_author"
            )
        ]
