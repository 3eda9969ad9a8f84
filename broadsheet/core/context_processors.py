from django.utils.functional import SimpleLazyObject

from broadsheet.newsroom import selectors


def site_chrome(request):
    """Provide the section navigation every reader page shows in its header.

    Lazy, so pages that never show it (the admin) never query for it.
    """
    return {
        "nav_sections": SimpleLazyObject(lambda: list(selectors.navigation_sections()))
    }
