"""Run the `broadsheet` command in a subprocess against a throw-away data folder."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(data_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # The subprocess must use its own SQLite database, never the test one.
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
        and not key.startswith("BROADSHEET_")
    }
    env.update(BROADSHEET_DATA_DIR=str(data_dir), BROADSHEET_SCHEDULER_INTERVAL="1")
    return env


def broadsheet(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "broadsheet", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def shell(code: str, *, env, **kwargs) -> subprocess.CompletedProcess:
    return broadsheet("shell", "--verbosity", "0", "-c", code, env=env, **kwargs)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a command started with ``start_new_session=True`` and its children."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            # The first page view renders image sizes, so allow it time.
            requests.get(url, timeout=60)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in time")


@contextmanager
def demo_server(tmp_path: Path, *extra: str):
    """`broadsheet demo` serving from ``tmp_path``, exactly as `make demo` runs.

    Yields the base address, the environment, the command's output so far
    (with the printed admin login) and the process.
    """
    port = free_port()
    env = cli_env(tmp_path / "data")
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "demo", "--port", str(port), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", time.monotonic() + 180)
        log.seek(0)
        yield {"base": base, "env": env, "output": log.read(), "process": process}
    finally:
        stop_group(process)
        log.close()
