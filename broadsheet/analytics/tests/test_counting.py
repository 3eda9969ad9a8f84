"""What counts as a view, a visitor and a download, through the real WSGI stack."""

import json
from datetime import datetime, timedelta

import pytest
from django.test import Client

from broadsheet.analytics.models import Event, Salt
from broadsheet.analytics.sources import sections_and_authors
from broadsheet.analytics.tests.conftest import BROWSER, CRAWLER, PHONE, figures
from broadsheet.analytics.tests.stored import nothing_stored, server_views
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(publication):
    urls = factories.reader_urls(publication)
    return urls["article"], urls["section"]


def test_the_same_reader_is_one_visitor_a_day_and_a_new_one_the_next(
    clock, visit, pages
):
    article, section = pages
    visit(article)
    visit(section)
    visit(article, ua=PHONE, ip="198.51.100.20")  # somebody else
    assert figures("views") == 3
    assert figures("visitors") == 2
    monday = {view.visitor for view in server_views()}

    clock.shift(timedelta(days=1))
    visit(article)
    # Gone with Tuesday's first request, before any roll-up.
    assert not Salt.objects.filter(day="2026-03-02").exists()
    assert figures("visitors") == 1  # Tuesday's own count
    tuesday = server_views()[-1].visitor
    # Not linkable to Monday's hash, and Monday's salt is gone.
    assert tuesday not in monday
    assert [str(s.day) for s in Salt.objects.all()] == ["2026-03-03"]


def test_bots_and_crawlers_are_not_counted(clock, visit, beacon, pages):
    article, _ = pages
    visit(article, ua=CRAWLER)
    visit(article, ua="")
    beacon(
        article,
        ua="Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    )
    assert nothing_stored()
    visit(article)
    assert figures("views") == 1


def test_a_cached_hit_and_its_beacon_count_once_and_a_cdn_view_counts_by_beacon(
    clock, visit, beacon, pages
):
    article, _ = pages
    assert visit(article).cache == "miss"
    beacon(article)
    clock.shift(timedelta(seconds=30))
    assert visit(article).cache == "hit"
    clock.shift(timedelta(seconds=1))
    beacon(article)
    clock.shift(timedelta(seconds=30))
    # A CDN answered this one: only the beacon reaches the site.
    beacon(article, ua=PHONE, ip="198.51.100.20")
    assert figures("views") == 3
    assert figures("views", "page", key=article) == 3
    assert Event.objects.filter(source="beacon", duplicate=True).count() == 2


def test_a_beacon_without_a_matching_view_later_still_counts(
    clock, visit, beacon, pages
):
    article, section = pages
    visit(article)
    clock.shift(timedelta(minutes=5))  # too late to repeat it
    beacon(article)
    beacon(section)  # another page
    assert figures("views") == 3


@pytest.mark.parametrize("header", ["HTTP_SEC_GPC", "HTTP_DNT"])
def test_gpc_and_dnt_readers_count_as_views_never_as_visitors(
    clock, visit, beacon, pages, header
):
    article, section = pages
    visit(article, **{header: "1"})
    beacon(article, **{header: "1"})
    visit(section, **{header: "1"})
    assert figures("views") == 2
    assert figures("visitors") == 0
    beacons = set(Event.objects.values_list("visitor", flat=True))
    assert beacons | {view.visitor for view in server_views()} == {None}


def test_referrer_campaign_and_device_are_recorded(clock, visit, beacon, pages):
    article, _ = pages
    visit(
        article + "?utm_source=letter&utm_medium=email&utm_campaign=launch",
        HTTP_REFERER="https://www.example.net/some/page?x=1",
    )
    beacon(article, referrer="https://news.example.org/", ua=PHONE, ip="192.0.2.9")
    assert figures("views", "referrer", key="example.net") == 1
    assert figures("views", "referrer", key="news.example.org") == 1
    assert figures("views", "utm_source", key="letter") == 1
    assert figures("views", "utm_campaign", key="launch") == 1
    assert figures("views", "device", key="mobile") == 1
    assert figures("views", "device", key="desktop") == 1


def test_views_are_tallied_by_section_and_author(clock, visit, pages):
    article, _ = pages
    visit(article)
    section, authors = sections_and_authors([article])[article]
    assert section.startswith("/") and authors
    assert figures("views", "section", key=section) == 1
    assert figures("views", "author", key=authors[0]) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"r": "x"}',
        b'{"p": "https://elsewhere.example/"}',
        b"x" * 3000,
    ],
)
def test_a_bad_beacon_is_refused_without_a_count(site_app, body):
    answer = site_app(
        "/analytics/view",
        "POST",
        body,
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="192.0.2.1",
    )
    assert answer.status == 400
    assert nothing_stored()
    assert site_app("/analytics/view").status == 405


def test_the_beacon_answers_with_nothing_to_keep(site_app, clock):
    answer = site_app(
        "/analytics/view",
        "POST",
        b'{"p": "/", "r": ""}',
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="192.0.2.1",
    )
    assert answer.status == 204
    assert answer.headers["cache-control"] == "no-store"
    assert "set-cookie" not in answer.headers


def test_a_prerendered_page_is_counted_by_its_beacon_only_once_shown(
    clock, visit, beacon, pages
):
    article, _ = pages
    visit(article, HTTP_SEC_PURPOSE="prefetch;prerender")
    assert nothing_stored()  # perhaps never shown
    beacon(article)  # shown
    assert figures("views") == 1


def test_fetches_by_scripts_and_the_service_worker_are_not_views(clock, visit, pages):
    article, _ = pages
    visit(article, HTTP_SEC_FETCH_DEST="empty", HTTP_SEC_FETCH_MODE="same-origin")
    assert nothing_stored()
    visit(article, HTTP_SEC_FETCH_DEST="document", HTTP_SEC_FETCH_MODE="navigate")
    assert figures("views") == 1


def test_django_answers_the_beacon_where_the_layer_is_not_in_front(clock, pages):
    article, _ = pages
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    body = json.dumps({"p": article, "r": ""})
    answer = client.post("/analytics/view", body, content_type="text/plain")
    assert answer.status_code == 204
    assert answer["Cache-Control"] == "no-store" and not answer.cookies
    assert (
        client.post("/analytics/view", "x", content_type="text/plain").status_code
        == 400
    )
    assert client.get("/analytics/view").status_code == 405
    assert figures("views") == 1


def test_visitors_are_counted_at_every_roll_up_and_each_day_on_its_own(
    clock, visit, pages
):
    article, section = pages
    visit(article)
    assert figures("visitors") == 1
    visit(article, ua=PHONE, ip="198.51.100.20")
    visit(section)  # the first reader again, on another page
    assert figures("visitors") == 2
    assert figures("visitors", "page", key=article) == 2
    assert figures("visitors", "page", key=section) == 1
    clock.move_to("2026-03-02T23:59:55+00:00")
    visit(article, ip="192.0.2.50")  # a third, just before midnight
    clock.move_to("2026-03-03T00:02:00+00:00")
    visit(article)  # the first reader, a new visitor on a new day
    monday = datetime.fromisoformat("2026-03-02T00:00:00+00:00")
    assert figures("visitors", day=monday) == 3
    assert figures("visitors") == 1


def test_a_server_view_is_repeated_by_one_beacon_at_most(clock, visit, beacon, pages):
    article, _ = pages
    visit(article)
    beacon(article)
    clock.shift(timedelta(seconds=20))
    beacon(article)  # shown again from the browser's own cache
    assert figures("views") == 2
    assert Event.objects.filter(duplicate=True).count() == 1
