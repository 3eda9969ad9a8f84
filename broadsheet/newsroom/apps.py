from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "broadsheet.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and these modules import models.
        from broadsheet.core import roles
        from broadsheet.core.chrome import register_chrome_part
        from broadsheet.core.images import (
            register_image_shape,
            register_page_renditions,
        )
        from broadsheet.core.security import register_frame_origins
        from broadsheet.core.signal_handlers import register_reader_content_model
        from broadsheet.newsroom import chrome, dependencies, embeds, renditions

        # Author pages and bylines show an author's name, photo and bio.
        # (everywhere: see dependencies.py).
        register_reader_content_model(self.get_model("Author"))
        # Precise page cache purges; other pages (sections: the navigation)
        # purge everything.
        register_reader_content_model(
            self.get_model("ArticlePage"), dependencies.article_keys
        )
        register_reader_content_model(
            self.get_model("HomePage"), dependencies.home_keys
        )
        # Every page's navigation; key order is the chrome's historical one.
        register_chrome_part("sections", chrome.sections)
        register_chrome_part("latest_url", chrome.latest_url)
        register_chrome_part("authors_url", chrome.authors_url)
        register_chrome_part("topics_url", chrome.topics_url)
        # The image crops templates name, made ahead of readers on publishing.
        for name, (widths, ratio) in renditions.IMAGE_SHAPES.items():
            register_image_shape(name, widths, ratio)
        register_page_renditions(renditions.article_images)
        # Readers' pages may frame the embed providers, once a reader asks.
        register_frame_origins(embeds.frame_origins)
        # Editors keep the list of authors (anyone in the admin may pick
        # bylines from it).
        roles.grant(
            roles.EDITOR,
            *(f"newsroom.{a}_author" for a in ("add", "change", "delete", "view")),
        )
