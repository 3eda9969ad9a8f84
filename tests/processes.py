"""Run the `broadsheet` command in a subprocess against a throw-away data folder."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path


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
