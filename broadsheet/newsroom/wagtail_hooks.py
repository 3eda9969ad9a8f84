from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from broadsheet.newsroom.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "role"]


register_snippet(AuthorViewSet)
