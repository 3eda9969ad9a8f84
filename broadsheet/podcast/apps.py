from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "broadsheet.podcast"
    label = "podcast"
    verbose_name = "Podcast"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and core.caching imports models.
        from broadsheet.core.pagecache.paths import register_uncached_prefix
        from broadsheet.newsroom.extensions import register_follow_channels
        from broadsheet.podcast.follow import podcast_channels

        # Audio has its own validators (the file's ETag) and Range handling.
        register_uncached_prefix("/podcast/audio/")
        register_follow_channels(podcast_channels)
