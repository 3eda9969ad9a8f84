"""The page cache keys of the newsroom's content (see core.pagecache.keys).

Listings depend on which articles they hold (``section_list`` and friends)
and on each card they show (``page:<id>``, recorded by the selectors and
cards.py); an article page on itself and its section's list (the related
rail). A change purges the keys the article had before it and has after it,
so an article moved to another section leaves the old section's pages too.

An author's name and photo show on every card and byline of theirs, which
are cached as HTML without reading the author: a change to an author (rare)
purges everything.
"""

from django.utils import timezone

from broadsheet.core.pagecache.keys import ARTICLES, MISSING, page_key


def section_list(pk) -> str:
    return f"section-list:{pk}"


def tag_list(pk) -> str:
    return f"tag-list:{pk}"


def author_list(pk) -> str:
    return f"author-list:{pk}"


def month_list(year: int, month: int) -> str:
    """Which articles were first published in a month (the site's time zone):
    a month of the archive, as its sitemap lists it."""
    return f"month-list:{year}-{month:02}"


def _month_of(moment) -> str:
    local = timezone.localtime(moment)
    return month_list(local.year, local.month)


def article_keys(article) -> set[str]:
    """What a change to ``article`` purges: itself and every list it is on."""
    # A new or withdrawn article changes every list, and a "not found"
    # answer at its address.
    keys = {page_key(article.pk), ARTICLES, MISSING}
    if article.section_id:
        keys.add(section_list(article.section_id))
    if article.first_published_at:
        keys.add(_month_of(article.first_published_at))
    keys.update(tag_list(tag.pk) for tag in article.tags.all())
    keys.update(author_list(link.author_id) for link in article.article_authors.all())
    return keys


def home_keys(home) -> set[str]:
    return {page_key(home.pk)}
