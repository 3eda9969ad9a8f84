import pytest
from django.core.management import call_command

from broadsheet.testing import factories


def _article(publication, section, title, body, *, tags=("chips",), author=0, **kw):
    article = factories.make_article(
        publication["home"],
        publication["sections"][section],
        [publication["authors"][author]],
        title=title,
        tags=tags,
        **kw,
    )
    article.body = [("paragraph", f"<p>{body}</p>")]
    if kw.get("live", True):
        article.save_revision().publish()
    else:
        article.save()
    return article


@pytest.fixture
def archive(publication):
    """The publication plus articles whose words the search tests look for."""
    stories = {
        "transistors": _article(
            publication,
            0,
            "Chip makers race to build smaller transistors",
            "Foundries say extreme ultraviolet lithography sets the pace.",
            tags=("chips", "manufacturing"),
        ),
        "body_only": _article(
            publication,
            1,
            "What the quarter's earnings calls revealed",
            "Several executives mentioned transistors only in passing.",
            tags=("earnings",),
            author=1,
        ),
        "regulation": _article(
            publication,
            1,
            "Regulators publish draft rules for model audits",
            "The consultation opens in Zürich next month, officials said.",
            tags=("policy",),
        ),
        "draft": _article(
            publication, 0, "A quokka story still in draft", "Quokka.", live=False
        ),
        "restricted": _article(
            publication, 0, "A quokka story for members", "Quokka sightings rise."
        ),
    }
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=stories["restricted"],
        restriction_type=PageViewRestriction.PASSWORD,
        password="x",
    )
    call_command("update_index", verbosity=0)
    return {**publication, "stories": stories}
