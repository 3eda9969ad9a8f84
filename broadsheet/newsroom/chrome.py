"""The newsroom's parts of the site chrome (core/chrome.py), registered in apps.py."""

from django.urls import reverse

from broadsheet.newsroom.selectors import navigation_sections


def sections(site) -> list[dict]:
    """The section navigation: sections in the menu that every reader may see."""
    return [
        {"pk": section.pk, "title": section.title, "url": section.get_url()}
        for section in navigation_sections()
    ]


def latest_url(site) -> str:
    return reverse("newsroom:latest")


def topics_url(site) -> str:
    return reverse("newsroom:topics")


def authors_url(site) -> str:
    return reverse("newsroom:author_index")
