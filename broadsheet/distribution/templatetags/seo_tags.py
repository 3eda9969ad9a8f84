"""Tags that put search-engine and social-network metadata in page heads."""

import json

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from broadsheet.core.chrome import site_base
from broadsheet.distribution import cards, share, structured_data
from broadsheet.distribution.renditions import SOCIAL_IMAGE_FILTER

register = template.Library()


def json_ld(data: dict) -> str:
    # Escape what could end the script element early.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def social_image(article, base: str, chrome: dict) -> dict:
    if article.social_image_id:
        rendition = article.social_image.get_rendition(SOCIAL_IMAGE_FILTER)
        return {
            "url": base + rendition.url,
            "width": 1200,
            "height": 630,
            "alt": article.social_image.description or article.title,
        }
    fingerprint = cards.card_fingerprint(article, chrome["site_name"])
    url = reverse("distribution:social_card", args=[article.pk])
    return {
        "url": f"{base}{url}?v={fingerprint}",
        "width": 1200,
        "height": 630,
        "alt": article.title,
    }


@register.inclusion_tag("distribution/meta_article.html", takes_context=True)
def article_meta(context, article):
    request, chrome = context["request"], context["chrome"]
    if article.pk is None or article.first_published_at is None:
        return {"preview": True}  # a draft in preview: nothing to share yet
    base = site_base(request)
    image = social_image(article, base, chrome)
    tags = [tag.name for tag in context.get("tags", [])]
    authors = context.get("authors", [])
    data = structured_data.graph(
        *structured_data.news_article(
            article, authors, tags, base, chrome, image["url"], request
        ),
        structured_data.organization(base, chrome),
    )
    return {
        "article": article,
        "chrome": chrome,
        "url": base + article.get_url(request),
        "image": image,
        "tags": tags,
        "json_ld": json_ld(data),
    }


@register.inclusion_tag("distribution/meta_site.html", takes_context=True)
def site_meta(context, title="", description=""):
    request, chrome = context["request"], context["chrome"]
    base = site_base(request)
    data = structured_data.graph(
        structured_data.organization(base, chrome),
        structured_data.website(base, chrome),
    )
    return {
        "chrome": chrome,
        "title": title or chrome["site_name"],
        "description": description or chrome["tagline"],
        "url": context.get("canonical_url", base + "/"),
        "image": base + reverse("pwa:icon", args=[512]),
        "json_ld": json_ld(data),
    }


@register.inclusion_tag("components/share.html", takes_context=True)
def share_panel(context, article):
    request = context["request"]
    url = site_base(request) + article.get_url(request)
    return {
        "article": article,
        "url": url,
        "title": article.title,
        "links": share.share_links(url, article.title),
    }
