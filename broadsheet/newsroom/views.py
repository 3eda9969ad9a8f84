"""Reader listings that are not pages in the tree: latest, tags, authors,
the archive by month."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from broadsheet.core.chrome import content_version
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import Author


def latest(request):
    articles = selectors.paginate_cards(request, selectors.latest_articles())
    return render(request, "newsroom/latest.html", {"articles": articles})


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = selectors.paginate_cards(request, selectors.tag_articles(tag))
    context = {
        "tag": tag,
        "articles": articles,
        "related_topics": selectors.related_topics(tag, content_version(request)),
    }
    return render(request, "newsroom/tag.html", context)


def topic_index(request):
    return render(request, "newsroom/topics.html", {"topics": selectors.topics()})


def author(request, slug):
    author = get_object_or_404(Author.objects.select_related("avatar"), slug=slug)
    articles = selectors.paginate_cards(request, selectors.author_articles(author))
    return render(
        request, "newsroom/author.html", {"author": author, "articles": articles}
    )


def author_index(request):
    authors = Author.objects.select_related("avatar").prefetch_related(
        "avatar__renditions"
    )
    return render(request, "newsroom/author_index.html", {"authors": authors})


def archive(request):
    """Every month with articles, by year, with how many each holds."""
    years: dict[int, list[dict]] = {}
    for row in selectors.article_months():
        years.setdefault(row["month"].year, []).append(row)
    return render(request, "newsroom/archive.html", {"years": years})


def archive_month(request, year: str, month: str):
    first = selectors.month_from(year, month)
    if first is None:
        raise Http404("No such month.")
    articles = selectors.paginate_cards(
        request, selectors.month_articles(first), deep=True
    )
    if not articles.paginator.count:
        raise Http404("No articles that month.")
    return render(
        request, "newsroom/archive_month.html", {"month": first, "articles": articles}
    )
