"""Article cards: rendered once per content version, loaded only when rendered.

A card shows an article's headline, standfirst, section, hero image, byline
and comment count. All of them change only with a content change (a publish,
an edit of an author, a section, an image, a comment going public), which
bumps ``ContentChange``; so a card's HTML is cached per process ("local"
cache) under the content version, like the chrome and the related rail, and
can never be stale.

Listings therefore choose article ids with narrow queries and hand the
template ``CardList``s: the full card rows (with their authors and image
renditions) are fetched only for cards whose HTML is not cached, all of a
page's at once, in the fixed number of queries ``cards_for`` makes.
"""

from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from wagtail.models import Site

from broadsheet.core.chrome import content_version
from broadsheet.core.pagecache.keys import depends_on, page_key

CARD_TEMPLATE = "components/article_card.html"
CARD_TIMEOUT = 24 * 60 * 60


class CardLoader:
    """Fetches the cards of every list on one page together, on first need."""

    def __init__(self, load: Callable[[list[int]], list]):
        self._load = load
        self._ids: list[int] = []
        self._asked: set[int] = set()
        self._cards: dict = {}

    def card(self, pk: int) -> "Card":
        self._ids.append(pk)
        # Cached or not, the response shows this article's card.
        depends_on(page_key(pk))
        return Card(pk, self)

    def cards(self, ids: Iterable[int]) -> "CardList":
        return CardList([self.card(pk) for pk in ids])

    def article(self, pk: int):
        """Return the card's article, or None if it is no longer visible."""
        if pk not in self._asked:
            wanted = [pk, *(i for i in self._ids if i not in self._asked and i != pk)]
            self._asked.update(wanted)
            self._cards.update((article.pk, article) for article in self._load(wanted))
        return self._cards.get(pk)


class Card:
    """One article of a listing, known by id; its row is loaded if needed."""

    __slots__ = ("loader", "pk")

    def __init__(self, pk: int, loader: CardLoader):
        self.pk = pk
        self.loader = loader

    @property
    def article(self):
        return self.loader.article(self.pk)


class CardList(list):
    """The cards of one listing, in order (a list of ``Card``)."""


def lazy_cards(ids: Iterable[int], load: Callable[[list[int]], list]) -> CardList:
    return CardLoader(load).cards(ids)


def _key(request, pk, variant, heading_level, show_section) -> str:
    site = Site.find_for_request(request)
    return ":".join(
        (
            "broadsheet:card",
            str(site.pk if site else 0),
            content_version(request).isoformat(),
            str(pk),
            variant,
            str(heading_level),
            "s" if show_section else "-",
        )
    )


def render_cards(
    context,
    items,
    *,
    variant: str = "standard",
    heading_level: int = 3,
    show_section: bool = True,
    wrap: str = "",
) -> str:
    """Return the HTML of the cards of ``items`` (``Card``s or articles).

    Each is wrapped in ``<wrap>`` when given ("li" in a card grid). Cached
    cards cost one cache read for the whole list; the others are rendered
    from components/article_card.html and cached.
    """
    request = context.get("request")
    items = [item for item in (items or ()) if item is not None]
    if request is None or getattr(request, "is_preview", False):
        keys = [None] * len(items)
        cached = {}
    else:
        keys = [
            _key(request, item.pk, variant, heading_level, show_section)
            for item in items
        ]
        cached = caches["local"].get_many(keys)
    template = None
    rendered = {}
    parts = []
    for item, key in zip(items, keys, strict=True):
        html = cached.get(key) if key else None
        if html is None:
            article = item.article if isinstance(item, Card) else item
            if article is None:  # no longer visible since its id was chosen
                continue
            if template is None:
                template = get_template(CARD_TEMPLATE).template
            html = template.render(
                context.new(
                    {
                        "request": request,
                        "article": article,
                        "variant": variant,
                        "heading_level": heading_level,
                        "show_section": show_section,
                    }
                )
            )
            if key:
                rendered[key] = html
        parts.append(f"<{wrap}>{html}</{wrap}>" if wrap else html)
    if rendered:
        caches["local"].set_many(rendered, CARD_TIMEOUT)
    # Every part is a rendered, autoescaped template.
    return mark_safe("".join(parts))
