from django import template

from broadsheet.newsroom.cards import render_cards

register = template.Library()


@register.simple_tag(takes_context=True)
def article_cards(context, items, heading_level=3, show_section=True, wrap="li"):
    """The cards of a listing, each in an ``<li>``, from the card cache."""
    return render_cards(
        context,
        items,
        heading_level=heading_level,
        show_section=show_section,
        wrap=wrap,
    )


@register.simple_tag(takes_context=True)
def article_card(context, item, variant="standard", heading_level=3, show_section=True):
    """One card (``variant`` "lead" for the front page's top story)."""
    return render_cards(
        context,
        [item],
        variant=variant,
        heading_level=heading_level,
        show_section=show_section,
    )
