"""The search app's part of the site chrome (core/chrome.py)."""

from django.urls import reverse


def search(site) -> dict:
    return {
        "url": reverse("search:results"),
        "suggest_url": reverse("search:suggest"),
        "opensearch_url": reverse("search:opensearch"),
    }
