"""The audience dashboard in the admin, for Editors and Administrators."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from broadsheet.analytics import charts, dashboard
from broadsheet.core.admin_pages import admin_page
from broadsheet.core.spreadsheets import safe_cell

PERMISSION = "analytics.view_tally"
TOTALS = [
    ("views", "Page views"),
    ("visitors", "Visitors"),
    ("signups", "Newsletter sign-ups"),
    ("downloads", "Podcast downloads"),
]


def audience(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    error = ""
    try:
        span = dashboard.span_from(request.GET)
    except dashboard.BadSpan as problem:
        error = str(problem)
        span = dashboard.span_from({})
    found = dashboard.figures(span)
    if request.GET.get("format") == "csv" and not error:
        return _csv(found)
    step = "%H:%M" if span.hourly else "%-d %b"
    series = [
        (timezone.localtime(moment).strftime(step), value)
        for moment, value in found.series
    ]
    return admin_page(
        request,
        "analytics/admin/dashboard.html",
        {
            "figures": found,
            "totals": [(label, found.totals[key]) for key, label in TOTALS],
            "series": series,
            "bars": charts.bars(series),
            "chart": {"width": charts.WIDTH, "height": charts.HEIGHT},
            "tables": [
                (key, title, found.tables[key])
                for key, title in dashboard.TABLES.items()
                if key in found.tables
            ],
            "spans": dashboard.SPANS,
            "error": error,
            "chosen": {
                "from": request.GET.get("from", ""),
                "to": request.GET.get("to", ""),
            },
        },
        title="Audience",
        icon="view",
        status=400 if error else 200,
    )


def _csv(found: dashboard.Figures) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audience-{found.span.key}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["table", "item", "address", "value"])
    start, end = found.span.start.isoformat(), found.span.end.isoformat()
    writer.writerow(["span", found.span.label, f"{start}/{end}", ""])
    for key, label in TOTALS:
        writer.writerow(["totals", label, "", found.totals[key]])
    for moment, value in found.series:
        writer.writerow(["views over time", moment.isoformat(), "", value])
    for key, title in dashboard.TABLES.items():
        for row in found.tables.get(key, []):
            writer.writerow(
                [title, safe_cell(row.label), safe_cell(row.link), row.value]
            )
    return response
