"""The "Most read" rail on the home page and under articles.

The worker ranks the articles most viewed in the last 24 hours from the
hourly roll-ups (``refresh``) and keeps the ranking in one row. Pages show
the ranked articles that readers may see now through the newsroom's card
list (the one visibility rule), and declare the ``most-read`` key.

Each process keeps the ranking for KEEP_SECONDS under the content version,
so the rail costs no query on most renders. A new ranking is therefore
purged from the page cache only once every process may have let the old one
go: the scheduler purges ``most-read`` KEEP_SECONDS after it was stored (and
a publication, which changes the content version, shows it at once).
"""

from datetime import timedelta

from django.core.cache import caches
from django.utils import timezone
from django_tasks import task

from broadsheet.analytics import rollup, sources
from broadsheet.analytics.models import MostRead, Tally
from broadsheet.core.chrome import content_version
from broadsheet.core.pagecache import coherence
from broadsheet.core.pagecache.keys import depends_on
from broadsheet.newsroom.cards import lazy_cards
from broadsheet.newsroom.selectors import article_cards, cards_for

KEY = "most-read"
COUNT = 5
WINDOW = timedelta(hours=24)
REFRESH_EVERY = timedelta(minutes=5)
KEEP_SECONDS = 60
# More candidates than places: some top pages are not articles, or not public.
CANDIDATES = 50


def ranking(now=None) -> list[int]:
    """The ids of the articles readers may see, most viewed first."""
    now = now or timezone.now()
    top = rollup.tally(
        Tally.Period.HOUR, rollup.VIEWS, "page", now - WINDOW, now, CANDIDATES
    )
    pages = sources.pages_for_paths([path for path, _views in top])
    ids = [pages[path].pk for path, _views in top if path in pages]
    visible = set(article_cards().filter(pk__in=ids).values_list("pk", flat=True))
    return [pk for pk in ids if pk in visible][:COUNT]


@task()
def refresh() -> list[int]:
    """Rank again; purge the pages that show the rail when the ranking changed."""
    now = timezone.now()
    ids = ranking(now)
    current = MostRead.objects.filter(pk=1).first()
    if current is not None and current.page_ids == ids:
        MostRead.objects.filter(pk=1).update(computed_at=now)
        return ids
    purge_at = now + timedelta(seconds=KEEP_SECONDS + 1)
    MostRead.objects.update_or_create(
        pk=1, defaults={"page_ids": ids, "computed_at": now, "purge_at": purge_at}
    )
    return ids


def refresh_when_due() -> None:
    """The scheduler's job: purge the old ranking's pages when it is time,
    and have a worker rank again every REFRESH_EVERY."""
    now = timezone.now()
    row = MostRead.objects.filter(pk=1).first()
    if row is not None and row.purge_at is not None and now >= row.purge_at:
        coherence.purge([KEY])
        MostRead.objects.filter(pk=1, purge_at=row.purge_at).update(purge_at=None)
    if row is None or now - row.computed_at >= REFRESH_EVERY:
        refresh.enqueue()


def _ranked_ids(request) -> list[int]:
    key = f"broadsheet:most-read:{content_version(request).isoformat()}"
    return caches["local"].get_or_set(
        key,
        lambda: (
            MostRead.objects.filter(pk=1).values_list("page_ids", flat=True).first()
            or []
        ),
        KEEP_SECONDS,
    )


def _add(page, request, context: dict) -> None:
    depends_on(KEY)
    ids = [pk for pk in _ranked_ids(request) if page is None or pk != page.pk]
    if not ids:
        return
    # Cards are fetched only if their HTML is not cached, and only those
    # readers may see now (cards_for applies the visibility rule).
    context["most_read"] = lazy_cards(ids, cards_for)


def add_to_article(page, request, context: dict) -> None:
    _add(page, request, context)


def add_to_front_page(page, request, context: dict) -> None:
    _add(None, request, context)
