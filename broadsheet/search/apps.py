from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "broadsheet.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published

        from broadsheet.core.chrome import register_chrome_part
        from broadsheet.newsroom.models import ArticlePage, Author, SectionPage
        from broadsheet.search import chrome, indexing

        # The masthead's search box, the OpenSearch link and the WebSite
        # JSON-LD's SearchAction read this part.
        register_chrome_part("search", chrome.search)
        # The index follows publishing (indexing.py).
        for signal, handler, sender in (
            (post_save, indexing.article_saved, ArticlePage),
            (post_delete, indexing.article_deleted, ArticlePage),
            (post_save, indexing.author_saved, Author),
            (page_published, indexing.section_published, SectionPage),
            (post_save, indexing.restriction_changed, PageViewRestriction),
            (post_delete, indexing.restriction_changed, PageViewRestriction),
        ):
            signal.connect(handler, sender, dispatch_uid=f"search-{handler.__name__}")
        # A new install of the documents table fills it from the index.
        post_migrate.connect(indexing.documents_after_migrate, sender=self)
