"""StreamField blocks for article bodies."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from broadsheet.core.visibility import page_is_visible
from broadsheet.newsroom.embeds import resolve_embed

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class SubheadingBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading (H2)")), ("h3", _("Subsection (H3)"))],
        default="h2",
    )
    text = blocks.CharBlock(max_length=120)

    class Meta:
        icon = "title"
        template = "blocks/subheading.html"
        label = _("Subheading")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=800)
    attribution = blocks.CharBlock(
        max_length=160, required=False, help_text=_("Who said it, and their role.")
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        label = _("Quote")


class PullQuoteBlock(blocks.CharBlock):
    class Meta:
        icon = "pick"
        template = "blocks/pull_quote.html"
        label = _("Pull quote")
        max_length = 280


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text=_(
            "Describe the image for readers who cannot see it. "
            "Leave empty to use the image's own description."
        ),
    )
    caption = blocks.CharBlock(max_length=300, required=False)
    credit = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "image"
        template = "blocks/figure.html"
        label = _("Image")


class EmbedBlock(blocks.StructBlock):
    """Third-party media behind a click-to-load placeholder (see embeds.py)."""

    url = blocks.URLBlock(help_text=_("Address of the video, post or audio."))
    caption = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "media"
        template = "blocks/embed.html"
        label = _("Embed")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed"] = resolve_embed(value["url"])
        return context


class CodeBlock(blocks.StructBlock):
    """Program code or terminal output, shown as written (monospaced, no wrapping)."""

    language = blocks.CharBlock(
        max_length=40, required=False, help_text=_("For example: python, shell.")
    )
    code = blocks.TextBlock()

    class Meta:
        icon = "code"
        template = "blocks/code.html"
        label = _("Code")


class DividerBlock(blocks.StaticBlock):
    """A thematic break between parts of a story (an <hr>)."""

    class Meta:
        icon = "horizontalrule"
        template = "blocks/divider.html"
        label = _("Divider")
        admin_text = _("A line between two parts of the story.")


class EpisodeBlock(blocks.StructBlock):
    """A podcast episode's player inside an article."""

    episode = blocks.PageChooserBlock(page_type="podcast.EpisodePage")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # An unpublished or restricted episode is not shown (nor its audio
        # address given away) in an article every reader may see.
        context["episode_visible"] = page_is_visible(value["episode"])
        return context

    class Meta:
        icon = "media"
        template = "blocks/episode.html"
        label = _("Podcast episode")


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="blocks/paragraph.html"
    )
    subheading = SubheadingBlock()
    quote = QuoteBlock()
    pull_quote = PullQuoteBlock()
    image = FigureBlock()
    embed = EmbedBlock()
    episode = EpisodeBlock()
    code = CodeBlock()
    divider = DividerBlock()


class TakeawayBlock(blocks.CharBlock):
    class Meta:
        icon = "list-ol"
        label = _("Takeaway")
        max_length = 200
