from django.urls import path, re_path

from broadsheet.core import converters  # noqa: F401  (registers <id:…>)
from broadsheet.distribution import views

app_name = "distribution"

FORMATS = {"rss": "xml", "atom": "atom", "json": "json"}

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("follow/", views.follow, name="follow"),
    path("follow/<str:kind>/<slug:slug>/", views.follow, name="follow_subject"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    re_path(
        r"^sitemap-articles-(?P<year>\d{4})-(?P<month>\d{2})\.xml$",
        views.article_sitemap,
        name="article_sitemap",
    ),
    path("sitemap-<slug:section>.xml", views.sitemap, name="sitemap"),
    path("cards/<id:pk>.png", views.social_card, name="social_card"),
    path("llms.txt", views.llms_txt, name="llms_txt"),
    path("oembed", views.oembed, name="oembed"),
    path("share/mastodon/", views.share_mastodon, name="share_mastodon"),
    re_path(r"^(?P<slug>[-\w]+)\.md$", views.article_markdown, name="markdown"),
    *(
        path(f"feed.{ext}", views.feed, {"format_name": name}, name=f"site_{name}")
        for name, ext in FORMATS.items()
    ),
    *(
        path(
            f"feeds/<str:kind>/<slug:slug>.{ext}",
            views.feed,
            {"format_name": name},
            name=name,
        )
        for name, ext in FORMATS.items()
    ),
]
