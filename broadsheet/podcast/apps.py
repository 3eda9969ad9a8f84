from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "broadsheet.podcast"
    label = "podcast"
    verbose_name = "Podcast"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and core.caching imports models.
        from broadsheet.core.pagecache.paths import register_uncached_prefix

        # Audio has its own validators (the file's ETag) and Range handling.
        register_uncached_prefix("/podcast/audio/")
