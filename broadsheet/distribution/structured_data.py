"""schema.org JSON-LD and Open Graph / Twitter card data for pages."""

HERO_RATIOS = {
    "16x9": "fill-1200x675|format-jpeg",
    "4x3": "fill-1200x900|format-jpeg",
    "1x1": "fill-1200x1200|format-jpeg",
}


def organization(base: str, chrome: dict) -> dict:
    data = {
        "@type": "NewsMediaOrganization",
        "@id": f"{base}/#publisher",
        "name": chrome["site_name"],
        "url": f"{base}/",
    }
    logo = chrome.get("logo")
    data["logo"] = {
        "@type": "ImageObject",
        "url": base + (logo["url"] if logo else "/icons/icon-512.png"),
        "width": logo["width"] if logo else 512,
        "height": logo["height"] if logo else 512,
    }
    return data


def website(base: str, chrome: dict) -> dict:
    data = {
        "@type": "WebSite",
        "@id": f"{base}/#website",
        "url": f"{base}/",
        "name": chrome["site_name"],
        "description": chrome["tagline"],
        "publisher": {"@id": f"{base}/#publisher"},
    }
    search = chrome.get("search")
    if search:
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{base}{search['url']}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        }
    return data


def hero_images(article, base: str) -> list[str]:
    if not article.hero_image_id:
        return []
    renditions = article.hero_image.get_renditions(*HERO_RATIOS.values())
    return [base + renditions[spec].url for spec in HERO_RATIOS.values()]


def news_article(
    article,
    authors: list,
    keywords: list[str],
    base: str,
    chrome: dict,
    card_url: str,
    request=None,
) -> list[dict]:
    # With the request, Wagtail reads the site root paths once per request
    # rather than from the shared cache (a query) for every address.
    url = base + article.get_url(request)
    section_url = base + article.section.get_url(request)
    images = hero_images(article, base) or [card_url]
    return [
        {
            "@type": "NewsArticle",
            "@id": f"{url}#article",
            "mainEntityOfPage": url,
            "url": url,
            "headline": article.title[:110],
            "description": article.standfirst,
            "image": images,
            "datePublished": article.first_published_at.isoformat(),
            "dateModified": (
                article.last_published_at or article.first_published_at
            ).isoformat(),
            "author": [
                {
                    "@type": "Person",
                    "name": author.name,
                    "url": base + author.get_absolute_url(),
                }
                for author in authors
            ],
            "publisher": organization(base, chrome),
            "articleSection": article.section.title,
            "keywords": keywords,
            "isAccessibleForFree": True,
        },
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": 1,
                    "name": chrome["site_name"],
                    "item": f"{base}/",
                },
                {
                    "@type": "ListItem",
                    "position": 2,
                    "name": article.section.title,
                    "item": section_url,
                },
                {
                    "@type": "ListItem",
                    "position": 3,
                    "name": article.title,
                    "item": url,
                },
            ],
        },
    ]


def graph(*nodes: dict) -> dict:
    return {"@context": "https://schema.org", "@graph": list(nodes)}
