"""Rate limits hold across processes: a real server with two web workers.

Each request opens a new connection, so the kernel hands them to both
workers; with a per-process cache each worker would count on its own and
let through up to twice the limit.
"""

import subprocess
import sys
import time

import pytest
import requests

from tests.processes import cli_env, free_port, stop_group

SIGNUP_LIMIT = 5  # "newsletter": "5/m/ip,..." in settings.ACCOUNT_RATE_LIMITS


@pytest.fixture(scope="module")
def two_worker_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("shared-cache")
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "serve", "--port", str(port)]
        + ["--workers", "2"],
        env=cli_env(tmp_path / "data"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                requests.get(base + "/csrf/", timeout=10)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log.seek(0)
                    problem = "serve did not start:\n" + log.read()
                    raise AssertionError(problem) from None
                time.sleep(0.3)
        yield base
    finally:
        stop_group(process)
        log.close()


def _fresh_connection_post(base: str, token: str, address: str) -> int:
    with requests.Session() as session:  # a new connection every time
        session.cookies.set("csrftoken", token)
        return session.post(
            base + "/newsletters/",
            data={"csrfmiddlewaretoken": token, "email": address},
            headers={"Referer": base + "/newsletters/", "Connection": "close"},
            timeout=20,
        ).status_code


def test_signup_limit_is_counted_once_across_two_workers(two_worker_server):
    base = two_worker_server
    token = requests.get(base + "/csrf/", timeout=10).json()["token"]
    statuses = [
        _fresh_connection_post(base, token, f"reader{n}@example.com")
        for n in range(3 * SIGNUP_LIMIT)
    ]
    allowed = [s for s in statuses if s != 429]
    assert len(allowed) == SIGNUP_LIMIT, statuses
    assert statuses[SIGNUP_LIMIT:] == [429] * (2 * SIGNUP_LIMIT)
