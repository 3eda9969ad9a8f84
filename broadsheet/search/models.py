"""A narrow row per article a reader may find: what results are sorted,
filtered and counted by.

Wagtail's index (modelsearch's IndexEntry) keeps wide rows: every indexed
text twice, as vectors and as plain text. Reading them for each of 100,000
matches took seconds (docs/performance.md), so search reads this table
instead. It holds a row only for an article readers could see when it was
indexed (``documents.refresh``); on PostgreSQL it also carries the index's
vectors (migration 0002 adds those columns), so a match never touches the
wide rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from broadsheet.newsroom.models import ArticlePage, SectionPage


class SearchDocument(models.Model):
    page = models.OneToOneField(
        ArticlePage, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # first_published_at; a live page saved without publishing has none, and
    # counts as the oldest (documents.UNDATED).
    published = models.DateTimeField()
    section = models.ForeignKey(SectionPage, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("search document")
        indexes = [
            # Newest matches first: the window every search reads (services.py).
            models.Index(
                models.F("published").desc(),
                models.F("page").desc(),
                name="search_document_newest",
            )
        ]

    def __str__(self):
        return f"search document {self.page_id}"
