"""/healthz and /readyz against real services that stop and come back.

Each service is reached through a throw-away TCP relay in this file: the
test stops the relay (as if the server stopped: connections refused, open
ones cut) and starts it again on the same port, all in one process.
"""

import logging
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from botocore.config import Config
from django.db import connections

from broadsheet.operations import health

QUICK = 2.0  # seconds: an unreachable service must be named well within this


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Relay:
    """A port on 127.0.0.1 that forwards to ``target`` while started."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.listener = None
        self.open: list[socket.socket] = []

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self):
        listener, self.listener = self.listener, None
        for sock in [listener, *self.open]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.open.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def readyz(client):
    started = time.monotonic()
    response = client.get("/readyz")
    return response, time.monotonic() - started


def assert_never_stored(response):
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_healthz_answers_without_database_or_allowed_host(client):
    # No database marker: any query here would fail the test. The Host is
    # an address, as an orchestrator's probe sends it.
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert_never_stored(response)
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_is_200_naming_each_check_when_all_is_well(client):
    response, _ = readyz(client)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }
    assert_never_stored(response)
    assert client.head("/readyz").status_code == 200


@contextmanager
def database_settings(**changes):
    """Point new connections elsewhere (the test's own connection stays as it is)."""
    settings_dict = connections.settings["default"]
    before = {name: settings_dict.get(name) for name in changes}
    settings_dict.update(changes)
    try:
        yield
    finally:
        settings_dict.update(before)


@pytest.mark.django_db
def test_readyz_names_the_database_while_it_is_away_then_recovers(
    client, caplog, tmp_path
):
    if connections["default"].vendor == "postgresql":
        relay = Relay(int(connections["default"].settings_dict["PORT"] or 5432))
        moved = database_settings(HOST="127.0.0.1", PORT=str(relay.port))
    else:
        relay = None  # SQLite: a file that cannot be opened
        moved = database_settings(NAME=str(tmp_path / "missing" / "db.sqlite3"))
    with moved:
        if relay:
            relay.start()
            assert readyz(client)[0].status_code == 200
            relay.stop()
        with caplog.at_level(logging.INFO):
            for _ in range(2):
                response, took = readyz(client)
                assert response.status_code == 503
                assert response.json()["failing"] == ["database"]
                assert response.json()["checks"]["cache"] == "ok"
                assert took < QUICK
                assert_never_stored(response)
        if relay:
            relay.start()
        else:
            (tmp_path / "missing").mkdir()
        try:
            response, _ = readyz(client)
            assert response.status_code == 200, response.json()
        finally:
            if relay:
                relay.stop()
    # Said once when it started failing, never as an error at each probe.
    said = [r for r in caplog.records if r.name == "broadsheet.operations"]
    assert [r.levelname for r in said] == ["WARNING", "INFO"]
    assert "database check failed" in said[0].getMessage()
    assert "passes again" in said[1].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_readyz_names_the_cache_while_redis_is_away_then_recovers(client, settings):
    relay = Relay(6379).start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{relay.port}/15",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
    }
    try:
        # The same client (and its pool) throughout, as in a running site.
        assert readyz(client)[0].status_code == 200
        relay.stop()
        response, took = readyz(client)
        assert response.status_code == 503
        assert response.json()["failing"] == ["cache"]
        assert took < QUICK
        relay.start()
        response, _ = readyz(client)
        assert response.status_code == 200, response.json()
    finally:
        relay.stop()


@pytest.fixture
def s3_port(s3_server):
    return int(s3_server.rsplit(":", 1)[1])


@pytest.mark.django_db
def test_readyz_names_the_storage_while_s3_is_away_then_recovers(
    client, settings, s3_port
):
    import boto3

    relay = Relay(s3_port)
    options = {
        "bucket_name": "media",
        "endpoint_url": f"http://127.0.0.1:{relay.port}",
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
    }
    boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{s3_port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    response, took = readyz(client)  # nothing listens on the port yet
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert took < QUICK
    relay.start()
    try:
        response, _ = readyz(client)
        assert response.status_code == 200, response.json()
    finally:
        relay.stop()


def test_a_hanging_check_is_cut_short_and_not_started_twice():
    release = threading.Event()
    started = []

    def hangs():
        started.append(1)
        release.wait(5)

    try:
        began = time.monotonic()
        assert health.run_checks({"slow": hangs}, timeout=0.2) == {"slow": "timeout"}
        assert time.monotonic() - began < 1
        assert health.run_checks({"slow": hangs}, timeout=0.2) == {"slow": "timeout"}
        assert len(started) == 1
    finally:
        release.set()
    deadline = time.monotonic() + 5
    while "slow" in health._running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert health.run_checks({"slow": lambda: None}) == {"slow": "ok"}
