"""A worker killed in the middle of sending an issue: nobody gets two copies,
nobody gets none. Real processes, a real SQLite file, a real SMTP server."""

import collections
import os
import signal
import subprocess
import sys
import time

from broadsheet.testing import smtp
from tests.processes import broadsheet, cli_env, newsletter_issue_code, shell

SUBSCRIBERS = 5000
KILL_AFTER = 1500

SETUP = newsletter_issue_code(SUBSCRIBERS, "Crash test issue")


def start(command: str, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "broadsheet", command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until(check, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_killing_the_worker_mid_issue_neither_repeats_nor_skips(tmp_path):
    mailbox = smtp.SMTPMailbox()
    server = smtp.start_server(mailbox)
    env = cli_env(tmp_path / "data")
    env.update(
        BROADSHEET_EMAIL_HOST="127.0.0.1",
        BROADSHEET_EMAIL_PORT=str(server.port),
        BROADSHEET_EMAIL_TLS="false",
        BROADSHEET_NEWSLETTER_LEASE_SECONDS="2",
    )
    processes = []
    try:
        assert broadsheet("migrate", "--verbosity", "0", env=env).returncode == 0
        setup = shell(SETUP, env=env)
        assert setup.stdout.strip() == str(SUBSCRIBERS), setup.stderr

        worker = start("db_worker", env)
        processes.append(worker)
        wait_until(
            lambda: len(mailbox.messages) >= KILL_AFTER,
            120,
            "the worker never got going",
        )
        os.killpg(worker.pid, signal.SIGKILL)  # no goodbye, mid-batch
        worker.wait(timeout=10)
        at_kill = len(mailbox.messages)
        assert KILL_AFTER <= at_kill < SUBSCRIBERS

        # What `broadsheet serve` runs: a fresh worker, and the scheduler that
        # notices the stalled issue once its lease has run out.
        processes += [start("db_worker", env), start("run_scheduler", env)]
        wait_until(
            lambda: len(mailbox.messages) >= SUBSCRIBERS, 180, "sending never finished"
        )
        time.sleep(3)  # anything extra would arrive now
    finally:
        for process in processes:
            stop(process)
        server.stop()

    copies = collections.Counter(m.envelope_to[0] for m in mailbox.messages)
    assert len(copies) == SUBSCRIBERS  # nobody skipped
    assert set(copies.values()) == {1}  # nobody twice
    status = shell(
        "from broadsheet.newsletter.models import Issue, Delivery\n"
        "issue = Issue.objects.get(subject='Crash test issue')\n"
        "print(issue.status, issue.deliveries.filter(status='sent').count())",
        env=env,
    )
    assert status.stdout.split() == ["sent", str(SUBSCRIBERS)], status.stderr
