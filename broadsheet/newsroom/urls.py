from django.urls import path, re_path

from broadsheet.newsroom import views

app_name = "newsroom"
urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("archive/", views.archive, name="archive"),
    re_path(
        r"^archive/(?P<year>\d{4})/(?P<month>\d{2})/$",
        views.archive_month,
        name="archive_month",
    ),
    path("tags/", views.topic_index, name="topics"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/", views.author_index, name="author_index"),
    path("authors/<slug:slug>/", views.author, name="author"),
]
