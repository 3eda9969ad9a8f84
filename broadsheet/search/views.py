"""/search/ (results, filters, pages), its suggestions as JSON, and the
OpenSearch description that lets browsers offer the site's search."""

from urllib.parse import urlencode

from allauth.core.internal import ratelimit
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from broadsheet.core.chrome import site_base
from broadsheet.core.pagination import page_number, page_of
from broadsheet.core.search_text import fold
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticlePage
from broadsheet.search import services
from broadsheet.search.forms import SearchForm
from broadsheet.search.query import WORD, QueryError, parse
from broadsheet.search.snippets import highlight, snippet

PAGE_SIZE = 10
SUGGEST_MIN = 2  # characters


def _link(params: dict, **changes) -> str:
    """The results address with ``changes`` applied (a value of "" removes one)."""
    merged = {**params, **changes}
    merged.pop("page", None)
    return "?" + urlencode({k: v for k, v in merged.items() if v})


def _facet_links(facets: services.Facets, params: dict) -> dict:
    def choices(rows, name):
        return [
            {
                **row,
                "url": _link(params, **{name: row["slug"]}),
                "chosen": params.get(name) == row["slug"],
            }
            for row in rows
        ]

    return {
        "sections": choices(facets.sections, "section"),
        "tags": choices(facets.tags, "tag"),
        "authors": choices(facets.authors, "author"),
        "periods": choices(facets.periods, "period"),
    }


def _results(request, parsed, filters, newest):
    """The page of results asked for (or 404), and what the search found."""
    number = page_number(request)
    found = services.search(
        parsed,
        filters,
        newest=newest,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    texts = {
        article.pk: "\n".join([article.standfirst, article.body_text()])
        for article in ArticlePage.objects.filter(pk__in=found.ids).only(
            "standfirst", "body"
        )
    }
    words = parsed.highlighted, parsed.prefixes
    items = [
        (card, highlight(card.title, *words), snippet(texts.get(card.pk, ""), *words))
        for card in selectors.cards_for(found.ids)
    ]
    return page_of(items, number, found.total, PAGE_SIZE), found


def _allowed(request, action: str) -> bool:
    # allauth's limiter (ACCOUNT_RATE_LIMITS, counted in the shared cache);
    # its public helper leaves GET requests alone, and searches are GETs.
    usage = ratelimit.consume(
        request, app="allauth.account", action=action, limit_get=True
    )
    return usage is not None


def search(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": request.GET.get("q", "")[:1000]}
    if not _allowed(request, "search"):
        context["problems"] = [
            _("Too many searches from here. Wait a minute, then try again.")
        ]
        return render(request, "search/results.html", context, status=429)
    if not form.is_valid():
        context["problems"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "search/results.html", context, status=400)
    try:
        parsed = parse(form.cleaned_data["q"])
    except QueryError as problem:
        context["problems"] = [str(problem)]
        return render(request, "search/results.html", context, status=400)
    params = {k: v for k, v in request.GET.items() if k in form.fields and v}
    filters = form.filters()
    if parsed.parts:
        newest = form.cleaned_data["sort"] == "newest"
        results, found = _results(request, parsed, filters, newest)
        context.update(
            results=results,
            more=found.more,
            sampled=found.facets.sampled,
            window=services.WINDOW,
            facets=_facet_links(found.facets, params),
            filters=filters.active(),
            clear_filters=_link(
                {"q": params.get("q", ""), "sort": params.get("sort", "")}
            ),
            sort_links={
                "relevance": _link(params, sort=""),
                "newest": _link(params, sort="newest"),
            },
            newest=newest,
            page_link=_link(params),
        )
    return render(request, "search/results.html", context)


def suggest(request):
    """Up to eight headlines for what has been typed: ``{"suggestions": [...]}``."""
    typed = request.GET.get("q", "")[:100]
    if not _allowed(request, "search_suggest"):
        return JsonResponse({"suggestions": [], "error": "rate limited"}, status=429)
    words = tuple(WORD.findall(fold(typed)))[:6]
    found = []
    if words and len(words[-1]) >= SUGGEST_MIN:
        found = services.suggestions(request, words)
    if request.GET.get("format") == "opensearch":
        # What browsers' address bars read: [query, [completions]].
        return JsonResponse([typed, [s["title"] for s in found]], safe=False)
    return JsonResponse({"suggestions": found})


def opensearch(request):
    base = site_base(request)
    return render(
        request,
        "search/opensearch.xml",
        {"base": base},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
