from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "broadsheet.distribution"
    label = "distribution"
    verbose_name = "Distribution: feeds, sitemaps and machine-readable articles"

    def ready(self):
        # Imported here: apps.py loads before the app registry is ready.
        from broadsheet.core import roles
        from broadsheet.core.images import register_page_renditions
        from broadsheet.core.media import register_public_folder
        from broadsheet.distribution import renditions
        from broadsheet.distribution.cards import CARD_FOLDER

        # Social cards are drawn from a published article's headline and image.
        register_public_folder(CARD_FOLDER)
        # Feed images, search engines' crops, social and embed thumbnails.
        register_page_renditions(renditions.article_images)
        roles.grant(roles.ADMINISTRATOR, "distribution.change_searchengines")
