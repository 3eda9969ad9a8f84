from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "broadsheet.podcast"
    label = "podcast"
    verbose_name = "Podcast"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and core.caching imports models.
        from broadsheet.core import roles
        from broadsheet.core.pagecache.paths import register_uncached_prefix
        from broadsheet.core.signal_handlers import register_reader_content_model
        from broadsheet.newsroom import extensions
        from broadsheet.podcast import promo
        from broadsheet.podcast.follow import podcast_channels

        # Audio has its own validators (the file's ETag) and Range handling.
        register_uncached_prefix("/podcast/audio/")
        extensions.register_follow_channels(podcast_channels)
        # The podcast's box after each article and on the home page; its
        # setting changes what readers see everywhere.
        extensions.register_article_context(promo.add_to_article)
        extensions.register_front_page_context(promo.add_to_front_page)
        register_reader_content_model(self.get_model("PodcastPromo"))
        roles.grant(roles.ADMINISTRATOR, "podcast.change_podcastpromo")
