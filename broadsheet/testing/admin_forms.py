"""Form data for the Wagtail admin's page editor, as a browser would post it."""

from django.urls import reverse
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)


def article_form(publication, *, slug="chip-makers-meet", **extra):
    return nested_form_data(
        {
            "title": "Chip makers meet to agree a packaging standard",
            "slug": slug,
            "standfirst": "Five suppliers want one way to stack memory on chips.",
            "takeaways": streamfield([("takeaway", "A draft is due in spring.")]),
            "hero_image": "",
            "hero_alt": "",
            "hero_caption": "",
            "hero_credit": "",
            "body": streamfield(
                [
                    ("subheading", {"level": "h2", "text": "The meeting"}),
                    ("paragraph", rich_text("<p>Engineers met for two days.</p>")),
                    (
                        "quote",
                        {"quote": "We need one plug.", "attribution": "A. Chair"},
                    ),
                ]
            ),
            "section": publication["sections"][0].pk,
            "article_authors": inline_formset(
                [{"author": publication["authors"][0].pk}], min=1
            ),
            "tags": "chips, standards",
            **extra,
        }
    )


def add_url(publication):
    return reverse(
        "wagtailadmin_pages:add",
        args=("newsroom", "articlepage", publication["home"].pk),
    )


def issue_form(daily, articles, **extra):
    """A newsletter issue of ``articles``, in that order."""
    return nested_form_data(
        {
            "newsletter": daily.pk,
            "subject": "Morning briefing",
            "intro": "Three things today.",
            "items": inline_formset(
                [{"article": a.pk, "ORDER": n + 1} for n, a in enumerate(articles)]
            ),
            "scheduled_for": "2026-12-01 06:00",
            **extra,
        }
    )


def existing_bylines(page):
    """The byline rows as the editor shows them for ``page``, ids and all: an
    edit must send them back as they are, or save a second copy."""
    rows = [{"id": b.pk, "author": b.author_id} for b in page.article_authors.all()]
    return inline_formset(rows, initial=len(rows), min=1)
