"""A flush's server views, stored as one row, read back view by view."""

from datetime import UTC, datetime

import pytest

from broadsheet.analytics import batches
from broadsheet.analytics.models import ViewBatch

pytestmark = pytest.mark.django_db

NINE = int(datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp())


def _row(second, path, visitor, pair, referrer="", campaign="", device="desktop"):
    # As events.to_row makes a server view's row.
    return (second, "view", "server", path, visitor, pair,
            referrer, "", "", campaign, device)  # fmt: skip


def test_views_come_back_as_they_went_in_and_alike_ones_share_a_group():
    rows = [
        _row(NINE + 1, "/a/", -(2**63), 2**63 - 1, referrer="ex.example"),
        _row(NINE, "/b/", 7, 8, campaign="spring"),
        _row(NINE + 1, "/a/", 5, -6, referrer="ex.example"),
        _row(NINE + 1, "/a/", None, 9, device="mobile"),  # asked not to be tracked
        _row(NINE + 3, "/c\x00/", 11, 12),  # PostgreSQL stores no NUL
    ]
    batches.pack(rows).save()
    stored = ViewBatch.objects.get()
    assert stored.first_at == datetime.fromtimestamp(NINE, UTC)
    assert stored.last_at == datetime.fromtimestamp(NINE + 3, UTC)
    assert len(stored.groups) == 4
    assert [(g.path, g.views) for g in batches.groups(stored)] == [
        ("/a/", 2),
        ("/b/", 1),
        ("/a/", 1),
        ("/c/", 1),
    ]
    back = batches.unpack(stored)
    assert [int(v.at.timestamp()) - NINE for v in back] == [1, 0, 1, 1, 3]
    assert [(v.path, v.visitor, v.pair) for v in back] == [
        ("/a/", -(2**63), 2**63 - 1),
        ("/b/", 7, 8),
        ("/a/", 5, -6),
        ("/a/", None, 9),
        ("/c/", 11, 12),
    ]
    assert [(v.referrer, v.utm_campaign, v.device) for v in back[:4]] == [
        ("ex.example", "", "desktop"),
        ("", "spring", "desktop"),
        ("ex.example", "", "desktop"),
        ("", "", "mobile"),
    ]


def test_the_numbers_are_stored_little_endian():
    batches.pack([_row(NINE, "/a/", 1, 2)]).save()
    stored = ViewBatch.objects.get()
    assert bytes(stored.visitors) == (1).to_bytes(8, "little")
    assert bytes(stored.group_of) == (0).to_bytes(4, "little")
