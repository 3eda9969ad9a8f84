from broadsheet.imports.models import ImportedItem
from broadsheet.newsroom.models import ArticlePage


def imported_article(post_id: str) -> ArticlePage:
    """The article an import made from the export's post ``post_id``."""
    item = ImportedItem.objects.get(kind="article", source_id=post_id)
    return ArticlePage.objects.get(pk=item.object_id)
