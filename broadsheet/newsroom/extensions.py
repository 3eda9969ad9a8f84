"""What other apps add to newsroom's pages and cards, without newsroom knowing them.

Newsroom sits below the feature apps, so it never imports one. An app that
adds to every article page or to every card registers a function here from
its ``AppConfig.ready()`` (comments adds its thread and the cards' comment
counts this way). Functions run in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

ArticleContext = Callable[..., None]  # (page, request, context) -> None
CardAnnotation = Callable[[QuerySet], QuerySet]

_article_context: list[ArticleContext] = []
_front_page_context: list[ArticleContext] = []
_card_annotations: list[CardAnnotation] = []


@dataclass(frozen=True)
class FollowChannel:
    """One way to follow the publication, for the Follow page.

    ``links`` are (label, address) pairs to open; ``addresses`` are
    (label, absolute address) pairs to paste into an app, shown with a copy
    button.
    """

    heading: str
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    addresses: list[tuple[str, str]] = field(default_factory=list)


FollowChannels = Callable[..., list[FollowChannel]]  # (request) -> channels
_follow_channels: list[FollowChannels] = []


def register_follow_channels(build: FollowChannels) -> FollowChannels:
    """Have ``build(request)`` add ways to follow (newsletters, podcasts) to
    the Follow page, after the article feeds. It runs for anonymous readers:
    public things only, in a fixed number of queries."""
    if build not in _follow_channels:
        _follow_channels.append(build)
    return build


def follow_channels(request) -> list[FollowChannel]:
    return [channel for build in _follow_channels for channel in build(request)]


def register_article_context(add: ArticleContext) -> ArticleContext:
    """Have ``add(page, request, context)`` fill in an article page's context.

    It runs on every render of the page, anonymous ones included, so it must
    keep to a fixed number of queries and touch nothing personal for a reader
    without a session (the page is shared by caches).
    """
    if add not in _article_context:
        _article_context.append(add)
    return add


def register_front_page_context(add: ArticleContext) -> ArticleContext:
    """Have ``add(page, request, context)`` fill in the home page's context;
    the same rules as for articles."""
    if add not in _front_page_context:
        _front_page_context.append(add)
    return add


def register_card_annotation(annotate: CardAnnotation) -> CardAnnotation:
    """Have ``annotate(queryset)`` add to every card query (``article_cards()``).

    It must return the queryset with annotations only (no filtering, no extra
    queries), so listings keep their query ceilings.
    """
    if annotate not in _card_annotations:
        _card_annotations.append(annotate)
    return annotate


def extend_article_context(page, request, context: dict) -> None:
    for add in _article_context:
        add(page, request, context)


def extend_front_page_context(page, request, context: dict) -> None:
    for add in _front_page_context:
        add(page, request, context)


def annotate_cards(queryset: QuerySet) -> QuerySet:
    for annotate in _card_annotations:
        queryset = annotate(queryset)
    return queryset


EditorNote = Callable[..., str]  # (page, request) -> HTML, or "" for nothing
_editor_notes: list[EditorNote] = []


def register_editor_note(build: EditorNote) -> EditorNote:
    """Have ``build(page, request)`` add a box of HTML at the top of a saved
    article's editor (analytics: the article's audience figures). It must
    check the editor's permissions itself and return "" to show nothing."""
    if build not in _editor_notes:
        _editor_notes.append(build)
    return build


def editor_notes(page, request) -> list[str]:
    return [html for build in _editor_notes if (html := build(page, request))]
