from django.urls import path

from broadsheet.core import converters  # noqa: F401  (registers <id:…>)
from broadsheet.podcast import feeds, views

app_name = "podcast"

urlpatterns = [
    path("podcast/audio/<id:pk>.<str:ext>", views.audio, name="audio"),
    path("podcast/transcripts/<id:pk>.vtt", views.transcript, name="transcript"),
    path("podcast/chapters/<id:pk>.json", views.chapters, name="chapters"),
    path("podcast/<slug:slug>/feed.xml", feeds.ShowFeed(), name="feed"),
]
