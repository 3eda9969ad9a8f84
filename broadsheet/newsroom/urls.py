from django.urls import path

from broadsheet.newsroom import views

app_name = "newsroom"
urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("tags/", views.topic_index, name="topics"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/", views.author_index, name="author_index"),
    path("authors/<slug:slug>/", views.author, name="author"),
]
