from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "broadsheet.podcast"
    label = "podcast"
    verbose_name = "Podcast"
