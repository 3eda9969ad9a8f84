"""JSON log lines with the request's id, and nothing about the reader."""

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest

from broadsheet.operations.log_format import JsonFormatter, RequestIdFilter
from broadsheet.operations.request_id import current_request_id
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

READER = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    "HTTP_USER_AGENT": "SecretBrowser/9.9",
}


@pytest.fixture
def log_lines(settings):
    """Every log line of the test, as the JSON handler writes them."""
    settings.ACCESS_LOG = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_requests_lines_and_response_carry_its_id(client, log_lines):
    response = client.get("/no-such-page/?q=x", HTTP_X_REQUEST_ID="edge-4f2a.77_b")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-4f2a.77_b"
    lines = log_lines()
    loggers = {line["logger"] for line in lines}
    # Django's own "Not Found" and the access line, both with the id.
    assert {"django.request", "broadsheet.requests"} <= loggers
    assert all(line["request_id"] == "edge-4f2a.77_b" for line in lines)
    access = next(line for line in lines if line["logger"] == "broadsheet.requests")
    assert access["method"] == "GET"
    assert access["path"] == "/no-such-page/"
    assert access["status"] == 404
    assert access["duration_ms"] >= 0
    assert access["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", access["time"])
    # Cleared once the response is done: later lines belong to no request.
    assert current_request_id() is None


@pytest.mark.parametrize(
    "sent", ["", "has space", "x" * 65, "new\nline", "ünï", "a;b", "<script>"]
)
def test_an_unfit_incoming_id_is_replaced(client, log_lines, sent):
    response = client.get("/csrf/", HTTP_X_REQUEST_ID=sent)
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert [line["request_id"] for line in log_lines()] == [made]


def test_each_request_gets_its_own_id(client):
    first = client.get("/csrf/")["X-Request-ID"]
    assert client.get("/csrf/")["X-Request-ID"] != first


def test_no_address_user_agent_query_or_secret_reaches_the_log(client, log_lines):
    newsletter = factories.make_newsletter()
    subscriber = factories.make_subscriber("reader@example.com", newsletter)
    client.get("/csrf/?email=reader@example.com", **READER)
    client.get("/missing/?email=reader@example.com", **READER)
    manage = client.get(f"/newsletters/manage/{subscriber.token}/", **READER)
    assert manage.status_code == 200
    text = json.dumps(log_lines())
    for private in (
        "203.0.113.77",
        "198.51.100.23",
        "SecretBrowser",
        "reader@example.com",
        "email=",
        subscriber.token,
    ):
        assert private not in text
    assert "/newsletters/manage/<token>/" in text


def test_exceptions_are_written_with_their_traceback():
    logger = logging.getLogger("broadsheet.test")
    try:
        raise ValueError("broken on purpose")
    except ValueError:
        record = logger.makeRecord(
            "broadsheet.test",
            logging.ERROR,
            __file__,
            1,
            "It broke",
            (),
            sys.exc_info(),
        )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR"
    assert line["message"] == "It broke"
    assert "ValueError: broken on purpose" in line["exception"]
    assert "request_id" not in line  # outside any request


def test_json_is_switched_on_by_the_environment(tmp_path):
    script = (
        "import django, logging; django.setup();"
        " logging.getLogger('broadsheet.check').warning('hello %s', 'world')"
    )
    env = {
        **os.environ,
        "BROADSHEET_LOG_FORMAT": "json",
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings.test",
    }
    ran = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    line = json.loads(ran.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello world"
    assert line["logger"] == "broadsheet.check"
    plain = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "BROADSHEET_LOG_FORMAT": "text"},
        capture_output=True,
        text=True,
    )
    assert plain.stderr.strip().splitlines()[-1] == "hello world"
