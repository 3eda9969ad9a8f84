"""An article's own audience figures, at the top of its editor."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from broadsheet.analytics import rollup
from broadsheet.analytics.admin_views import PERMISSION
from broadsheet.analytics.models import Tally

SPANS = (("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30))


def figures_for(path: str, now=None) -> list[tuple[str, int, int, int]]:
    """(span, views, visitors, sign-ups) for each span, in one query."""
    now = timezone.localtime(now)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = Tally.objects.filter(
        period=Tally.Period.DAY,
        dimension="page",
        key=path,
        metric__in=(rollup.VIEWS, rollup.VISITORS, rollup.SIGNUPS),
        start__gte=today - timedelta(days=SPANS[-1][1] - 1),
    ).values_list("start", "metric", "value")
    rows = list(rows)  # evaluated once, summed per span below
    found = []
    for label, days in SPANS:
        since = today - timedelta(days=days - 1)
        totals = {
            metric: sum(v for start, m, v in rows if m == metric and start >= since)
            for metric in (rollup.VIEWS, rollup.VISITORS, rollup.SIGNUPS)
        }
        found.append(
            (
                label,
                totals[rollup.VIEWS],
                totals[rollup.VISITORS],
                totals[rollup.SIGNUPS],
            )
        )
    return found


def editor_note(page, request) -> str:
    """The note for newsroom's editor: only for those who may read the figures."""
    if not request.user.has_perm(PERMISSION) or not page.live or not page.url:
        return ""
    return render_to_string(
        "analytics/admin/article_figures.html",
        {
            "rows": figures_for(page.url),
            "dashboard": reverse("analytics_audience"),
        },
    )
