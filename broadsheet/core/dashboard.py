"""The admin dashboard's "Today" panel: what needs someone in the next two days.

Core knows no app: each app registers what it has to report
(``register_today``) from its wagtail_hooks, and this panel lists it. A
source sees the request, so it shows a user only what they may act on, and
returns ``TodayItem``s that each link to the action.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

# How far ahead "scheduled" looks.
HORIZON = timedelta(hours=48)


@dataclass(frozen=True)
class TodayItem:
    group: str  # the heading it is listed under, e.g. "Scheduled"
    text: str
    url: str
    when: datetime | None = None


_sources: list[Callable] = []


def register_today(source: Callable) -> None:
    """Add ``source(request, now) -> list[TodayItem]`` to the panel."""
    if source not in _sources:
        _sources.append(source)


def today_items(request, now: datetime | None = None) -> dict[str, list[TodayItem]]:
    """Every source's items, grouped by heading, soonest first in each group."""
    now = now or timezone.now()
    groups: dict[str, list[TodayItem]] = {}
    for source in _sources:
        for item in source(request, now):
            groups.setdefault(item.group, []).append(item)
    for items in groups.values():
        items.sort(key=lambda item: (item.when is None, item.when or now))
    return groups


class TodayPanel(Component):
    name = "today"
    order = 50  # above Wagtail's own panels
    template_name = "core/admin/today_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {"groups": today_items(self.request)}
