"""The audience dashboard: who may open it, and that it shows what was counted."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from broadsheet.analytics import dashboard, rollup
from broadsheet.analytics.tests.conftest import PHONE
from broadsheet.core import roles
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def _staff(role):
    user = factories.make_member(
        f"{role.lower()}@example.com", display_name=f"Staff {role}"
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def counted(clock, visit, beacon, publication):
    urls = factories.reader_urls(publication)
    visit(urls["article"] + "?utm_campaign=spring", HTTP_REFERER="https://ex.example/")
    visit(urls["article"], ua=PHONE, ip="198.51.100.20")
    beacon(urls["section"])
    clock.shift(timedelta(minutes=1))
    rollup.roll_up()
    return urls


@pytest.mark.parametrize(
    "role,status",
    [
        (roles.CONTRIBUTOR, 302),
        (roles.AUTHOR, 302),
        (roles.EDITOR, 200),
        (roles.ADMINISTRATOR, 200),
    ],
)
def test_editors_and_administrators_only(role, status):
    # Wagtail turns a refusal into a redirect to the dashboard, with a message.
    assert _staff(role).get("/admin/audience/").status_code == status


def test_shows_the_figures_counted(counted, publication):
    page = _staff(roles.EDITOR).get("/admin/audience/?span=today").text
    article = publication["articles"][0]
    assert "<dd>3</dd>" in page  # page views
    assert "<dd>2</dd>" in page  # visitors
    assert f'<a href="{counted["article"]}">{article.title}</a>' in page
    assert "ex.example" in page and "spring" in page and "mobile" in page
    assert "<svg" in page and "<table" in page


def _now():
    return dashboard.figures(dashboard.span_from({"span": "now"}))


def test_now_counts_the_last_half_hour_from_raw_events(counted, clock, visit):
    figures = _now()
    assert figures.totals["views"] == 3 and figures.totals["visitors"] == 2
    assert [row.value for row in figures.tables["articles"]] == [2, 1]
    assert [(row.label, row.value) for row in figures.tables["referrers"]] == [
        ("ex.example", 1)
    ]
    clock.shift(timedelta(minutes=40))
    visit(counted["section"], ip="198.51.100.77", HTTP_SEC_GPC="1")
    clock.shift(1)
    figures = _now()  # the first three are too old now
    assert figures.totals["views"] == 1 and figures.totals["visitors"] == 0
    page = _staff(roles.EDITOR).get("/admin/audience/?span=now").text
    assert "<dd>1</dd>" in page


def test_a_chosen_range_and_a_bad_one(counted, clock):
    editor = _staff(roles.EDITOR)
    good = editor.get("/admin/audience/?span=range&from=2026-03-01&to=2026-03-02")
    assert good.status_code == 200 and "<dd>3</dd>" in good.text
    bad = editor.get("/admin/audience/?span=range&from=2026-03-05&to=2026-03-01")
    assert bad.status_code == 400
    assert "The end date is before the start date." in bad.text
    assert editor.get("/admin/audience/?span=range&from=x").status_code == 400


def test_exports_csv(counted):
    answer = _staff(roles.EDITOR).get("/admin/audience/?span=7d&format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert ["totals", "Page views", "", "3"] in rows
    assert any(row[0] == "Top pages" and row[3] == "2" for row in rows)


def test_an_article_editor_shows_its_own_figures_to_editors_only(counted, publication):
    article = publication["articles"][0]
    url = f"/admin/pages/{article.pk}/edit/"
    page = _staff(roles.EDITOR).get(url).text
    start = page.index('id="article-audience-heading"')
    note = page[start : page.index("</section>", start)]
    # Today: two views by two readers (test "counted" above).
    assert '<th scope="row">Today</th><td>2</td><td>2</td><td>0</td>' in note
    author = _staff(roles.AUTHOR)
    assert 'id="article-audience-heading"' not in author.get(url).text
