from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from wagtail.models import Site

from broadsheet.core.chrome import site_base, site_chrome
from broadsheet.core.pagecache.keys import depends_on, page_key
from broadsheet.core.visibility import visible_pages
from broadsheet.distribution import cards, feeds, markdown, share, sitemaps
from broadsheet.distribution import follow as following
from broadsheet.distribution.models import SearchEngines
from broadsheet.distribution.renditions import OEMBED_THUMBNAIL_FILTER
from broadsheet.distribution.sitemaps import SITEMAPS
from broadsheet.distribution.sources import feed_source
from broadsheet.newsroom import selectors
from broadsheet.newsroom.extensions import follow_channels
from broadsheet.newsroom.models import ArticlePage


def feed(request, format_name: str, kind: str = "site", slug: str = ""):
    chrome = site_chrome(request)
    source = feed_source(
        kind, slug, site_name=chrome["site_name"], tagline=chrome["tagline"]
    )
    base = site_base(request)
    entries = feeds.entries_for(source, base, request)
    language = settings.LANGUAGE_CODE.split("-")[0]
    return feeds.RENDERERS[format_name](
        source, entries, base, base + source.feed_path(format_name), language
    )


def follow(request, kind: str = "site", slug: str = ""):
    """Every way to follow: a subject's feeds first (section, tag, author),
    then the whole site's, then what other apps offer (newsletters, podcasts)."""
    chrome = site_chrome(request)
    base = site_base(request)
    site_source = feed_source("site", site_name=chrome["site_name"], tagline="")
    subject, title, channels = None, "", []
    if kind == "site" and slug:
        raise Http404("No such subject.")
    if kind != "site":
        subject = feed_source(kind, slug, site_name=chrome["site_name"], tagline="")
        title = subject.title.removesuffix(f" · {chrome['site_name']}")
        channels.append(
            following.feed_channel(subject, base, f"{title} only", explain=True)
        )
    channels.append(
        following.feed_channel(
            site_source,
            base,
            f"Everything from {chrome['site_name']}",
            explain=subject is None,
        )
    )
    channels += follow_channels(request)
    return render(
        request,
        "distribution/follow.html",
        {
            "subject": subject,
            "title": title,
            "channels": following.numbered(channels),
        },
    )


def robots_txt(request):
    site = Site.find_for_request(request)
    rules = SearchEngines.for_site(site) if site else SearchEngines()
    lines = ["User-agent: *"]
    if rules.hide_from_search_engines:
        lines.append("Disallow: /")
    else:
        lines += [
            "Disallow: /admin/",
            "Disallow: /csrf/",
            "Disallow: /saved/",
            "Disallow: /offline/",
        ]
    if rules.robots_rules.strip():
        lines += ["", *(line.strip() for line in rules.robots_rules.splitlines())]
    lines += [
        "",
        f"Sitemap: {site_base(request)}{reverse('distribution:sitemap_index')}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def sitemap_index(request):
    entries = sitemaps.index_entries(site_base(request))
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )
    latest = [entry.last_mod for entry in entries if entry.last_mod]
    if latest:
        response["Last-Modified"] = http_date(max(latest).timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def article_sitemap(request, year: str, month: str):
    first = selectors.month_from(year, month)
    if first is None:
        raise Http404("No such month.")
    try:
        number = int(request.GET.get("p", 1))
    except ValueError:
        raise Http404("No such page.") from None
    page = sitemaps.month_page(first, number, site_base(request))
    if page is None:  # no month of ours, or past its last page
        raise Http404("No articles there.")
    response = HttpResponse(page, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def sitemap(request, section: str):
    if section == "articles":  # one sitemap for every article, before months
        return redirect("distribution:sitemap_index", permanent=True)
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    template = "distribution/news_sitemap.xml" if section == "news" else "sitemap.xml"
    return sitemap_views.sitemap(
        request, {section: SITEMAPS[section]}, section=section, template_name=template
    )


def social_card(request, pk: int):
    """Serve the article's generated social card, drawing it the first time."""
    article = get_object_or_404(
        visible_pages(ArticlePage.objects.select_related("hero_image")), pk=pk
    )
    chrome = site_chrome(request)
    name = cards.ensure_card(article, chrome["site_name"], chrome["theme_colour"])
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _live_article(slug: str) -> ArticlePage:
    article = get_object_or_404(
        visible_pages(ArticlePage.objects.select_related("section")), slug=slug
    )
    depends_on(page_key(article.pk))  # the Markdown twin and oEmbed show it
    return article


def article_markdown(request, slug: str):
    article = _live_article(slug)
    text = markdown.article_markdown(
        article,
        authors=selectors.article_authors(article),
        tags=list(article.tags.names()),
        base=site_base(request),
    )
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


def llms_txt(request):
    chrome = site_chrome(request)
    base = site_base(request)
    lines = [f"# {chrome['site_name']}", ""]
    if chrome["tagline"]:
        lines += [f"> {chrome['tagline']}", ""]
    lines += [
        "Every article is also available as Markdown: add `.md` to its address "
        "(for example /some-article.md).",
        "",
        "## Sections",
        "",
    ]
    lines += [f"- [{s['title']}]({base}{s['url']})" for s in chrome["sections"]]
    lines += ["", "## Recent articles", ""]
    recent = selectors.cards_for(
        selectors.latest_articles().values_list("pk", flat=True)[
            : settings.LLMS_TXT_ARTICLES
        ]
    )
    lines += [f"- [{a.title}]({base}/{a.slug}.md): {a.standfirst}" for a in recent]
    lines += [
        "",
        "## Feeds",
        "",
        f"- [RSS]({base}{reverse('distribution:site_rss')})",
        f"- [Atom]({base}{reverse('distribution:site_atom')})",
        f"- [JSON Feed]({base}{reverse('distribution:site_json')})",
        f"- [Sitemap]({base}{reverse('distribution:sitemap_index')})",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/markdown; charset=utf-8")


def oembed(request):
    """oEmbed (https://oembed.com) for articles: a story card, with no script."""
    url = request.GET.get("url", "")
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only the json format is offered.", status=501)
    base = site_base(request)
    path = url.removeprefix(base) if url.startswith(base + "/") else ""
    slug = path.strip("/")
    if not slug or "/" in slug:
        raise Http404("Not an article of this site.")
    article = _live_article(slug)
    chrome = site_chrome(request)
    html = render_to_string(
        "distribution/oembed_card.html",
        {
            "article": article,
            "url": base + article.url,
            "site_name": chrome["site_name"],
        },
    )
    data = {
        "version": "1.0",
        "type": "rich",
        "title": article.title,
        "author_name": ", ".join(a.name for a in selectors.article_authors(article)),
        "provider_name": chrome["site_name"],
        "provider_url": base + "/",
        "html": html.strip(),
        "width": _bounded(request.GET.get("maxwidth"), 600),
        "height": None,
        "cache_age": 3600,
    }
    if article.hero_image_id:
        rendition = article.hero_image.get_rendition(OEMBED_THUMBNAIL_FILTER)
        data.update(
            thumbnail_url=base + rendition.url,
            thumbnail_width=600,
            thumbnail_height=338,
        )
    return JsonResponse(data)


def _bounded(raw, default: int) -> int:
    return min(int(raw), default) if raw and raw.isdigit() and int(raw) > 0 else default


def share_mastodon(request):
    """Ask which Mastodon server, then offer the link to share there.

    The last step is a link rather than a redirect: the CSP's form-action
    forbids forms leading off-site, and a link is what it is anyway.
    """
    page_id = request.GET.get("page", "")
    if not page_id.isdigit() or len(page_id) > 12:
        raise Http404("No such article.")
    article = get_object_or_404(
        visible_pages(ArticlePage.objects.all()), pk=int(page_id)
    )
    url = site_base(request) + article.url
    raw = request.GET.get("instance", "")
    instance = share.clean_instance(raw) if raw else None
    context = {
        "article": article,
        "raw": raw,
        "error": bool(raw) and instance is None,
        "share_url": share.mastodon_share_url(instance, url, article.title)
        if instance
        else None,
        "instance": instance,
    }
    response = render(request, "distribution/share_mastodon.html", context)
    patch_cache_control(response, private=True)
    return response
