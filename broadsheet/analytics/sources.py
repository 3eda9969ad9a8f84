"""What the figures are about: pages, sections, authors and episodes.

Events keep paths and ids only; these read the apps' models to name them.
"""

from wagtail.models import Page, Site

from broadsheet.newsroom.models import ArticlePage, Author
from broadsheet.podcast.models import EpisodePage


def _site_root() -> str:
    site = Site.objects.filter(is_default_site=True).select_related("root_page")
    found = site.first()
    return found.root_page.url_path if found else "/"


def pages_for_paths(paths) -> dict[str, Page]:
    """The page each reader path shows on the default site, where there is one."""
    root = _site_root()
    by_url_path = {root + path.strip("/") + "/": path for path in paths if path != "/"}
    if "/" in paths:
        by_url_path[root] = "/"
    pages = Page.objects.filter(url_path__in=list(by_url_path)).specific()
    return {by_url_path[page.url_path]: page for page in pages}


def sections_and_authors(paths) -> dict[str, tuple[str, list[str]]]:
    """For each path that shows an article: its section's path and its
    authors' slugs."""
    root = _site_root()
    by_url_path = {root + path.strip("/") + "/": path for path in paths if path != "/"}
    articles = (
        ArticlePage.objects.filter(url_path__in=list(by_url_path))
        .select_related("section")
        .prefetch_related("article_authors__author")
    )
    found = {}
    for article in articles:
        section = "/" + article.section.url_path.removeprefix(root)
        found[by_url_path[article.url_path]] = (
            section,
            [link.author.slug for link in article.article_authors.all()],
        )
    return found


def episode_sizes(episode_ids) -> dict[int, tuple[int, int]]:
    """{episode id: (audio bytes, duration in seconds)}."""
    rows = EpisodePage.objects.filter(pk__in=list(episode_ids)).values_list(
        "pk", "audio_size", "duration"
    )
    return {pk: (size, duration) for pk, size, duration in rows}


def author_names(slugs) -> dict[str, str]:
    return dict(Author.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def episode_titles(episode_ids) -> dict[int, str]:
    rows = EpisodePage.objects.filter(pk__in=list(episode_ids)).values_list(
        "pk", "title"
    )
    return dict(rows)
