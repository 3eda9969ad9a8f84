"""Broadsheet on several machines, brought up by following docs/deployment.md.

On this one machine: PostgreSQL (the machine's), Redis and moto's S3 server
(started here), two web nodes, two workers and two schedulers (the guide's
systemd units, run as processes), Varnish in front with the guide's VCL,
and nginx with the guide's TLS site in front of Varnish. The tests run in
order against that one site:

- a change published through node A reaches node B and Varnish within 2 s,
  by a purge (the copies are kept for an hour otherwise);
- an image uploaded on A is served by B, its sizes made once;
- killing a web node loses no request that Varnish can retry;
- killing the scheduler holding the lock hands over within one interval;
- 5,000 newsletter deliveries, a worker killed mid-send, arrive exactly once;
- /readyz turns 503 when PostgreSQL, Redis or the S3 server stops and 200
  when it returns, without restarting anything.

Run with ``make test-multinode`` (``pytest --multinode tests/multinode``);
CI runs it after the suite. It stops and restarts the machine's PostgreSQL,
so nothing else should use it meanwhile.
"""

import collections
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from PIL import Image

from broadsheet.testing import smtp
from tests.multinode import cluster
from tests.multinode.cluster import Process, answers, wait_until
from tests.multinode.deployment import (
    Machine,
    blocks,
    environment_file,
    read_environment_file,
    unit,
)
from tests.processes import SCHEDULE_AN_ARTICLE, free_port, newsletter_issue_code

INTERVAL = 2  # the schedulers' interval, in seconds
SUBSCRIBERS = 5000
ADMIN = "editor@news.example.org"
BUCKET = "broadsheet-media"


def report(line: str) -> None:
    """A figure of the run, shown by `make test-multinode` (-rP)."""
    sys.stdout.write(line + "\n")


def reader_env(base: dict) -> dict:
    """This process's environment without anything of Broadsheet's or the suite's."""
    return {
        key: value
        for key, value in base.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
        and not key.startswith(("BROADSHEET_", "PROMETHEUS_"))
    }


class Site:
    """The running site: its machine, processes and addresses."""

    def __init__(self, machine: Machine, mailbox, database: str):
        self.machine = machine
        self.mailbox = mailbox
        self.database = database
        self.processes: dict[str, Process] = {}
        self.admin_password = secrets.token_urlsafe(16)

    @property
    def ports(self):
        return self.machine.ports

    def url(self, name: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def env_for(self, machine_name: str, unit_environment: dict) -> dict:
        env = reader_env(dict(os.environ))
        env.update(read_environment_file(self.machine.path(ENV_FILE)))
        env.update(unit_environment)
        data = self.machine.root / "machines" / machine_name
        env["BROADSHEET_DATA_DIR"] = str(data)
        return env

    def start_unit(self, name: str, unit_file: str, instance: str = "") -> Process:
        service = unit(self.machine.block(f"file:{unit_file}"), instance)
        assert service.environment_file == str(self.machine.path(ENV_FILE))
        if service.runtime_directory:
            (self.machine.root / "run" / service.runtime_directory).mkdir(
                parents=True, exist_ok=True
            )
        env = self.env_for(name, service.environment)
        logs = self.machine.root / "logs"
        log, started = logs / f"{name}.log", 1
        while log.exists():  # a restart writes a log of its own
            started += 1
            log = logs / f"{name}-{started}.log"
        process = Process(name, service.command, env, log).start()
        self.processes[name] = process
        return process

    def shell(self, code: str) -> str:
        env = self.env_for("shell", {})
        result = subprocess.run(
            [str(self.machine.path("/opt/broadsheet/bin/broadsheet")), "shell"]
            + ["--verbosity", "0", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def admin_session(self, node: str) -> requests.Session:
        """Signed in to the admin on one node, as an editor's browser would be."""
        session = requests.Session()
        page = session.get(self.url(node, "/accounts/login/?csrf=1"), timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = session.post(
            page.url,
            data={
                "csrfmiddlewaretoken": token,
                "login": ADMIN,
                "password": self.admin_password,
            },
            headers={"Referer": page.url},
            timeout=10,
        )
        assert response.ok and "sessionid" in session.cookies, response.text[:500]
        return session


ENV_FILE = "/etc/broadsheet/broadsheet.env"
UNITS = {
    "web": "/etc/systemd/system/broadsheet-web@.service",
    "worker": "/etc/systemd/system/broadsheet-worker.service",
    "scheduler": "/etc/systemd/system/broadsheet-scheduler.service",
}


@pytest.fixture(scope="module")
def site():
    # Readable by others: Varnish and nginx drop root to read their files.
    root = Path(tempfile.mkdtemp(prefix="broadsheet-multinode-"))
    root.chmod(0o755)
    names = ("web1", "web2", "varnish", "tls", "http", "redis", "s3")
    machine = Machine(root, {name: free_port() for name in names})
    database = f"broadsheet_multinode_{secrets.token_hex(3)}"
    mailbox = smtp.SMTPMailbox()
    mail_server = smtp.start_server(mailbox)
    site = Site(machine, mailbox, database)
    services = [
        cluster.redis_server(machine.ports["redis"], root),
        cluster.s3_server(machine.ports["s3"], root),
    ]
    try:
        cluster.create_database(database)
        for service in services:
            service.start()
            site.processes[service.name] = service
        wait_until(lambda: answers(site.url("s3")), 30, "the S3 server did not start")
        cluster.create_bucket(machine.ports["s3"], BUCKET)

        # 2. Install.
        result = machine.run_step("install", reader_env(dict(os.environ)))
        assert result.returncode == 0, result.stderr

        # 3. Configure: the guide's variables, each with this machine's value.
        text, _values = environment_file(
            blocks()[f"file:{ENV_FILE}"],
            {
                "BROADSHEET_ENV": "production",
                "BROADSHEET_SECRET_KEY": secrets.token_urlsafe(48),
                "BROADSHEET_BASE_URL": site.url("varnish").rstrip("/"),
                "BROADSHEET_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "BROADSHEET_BEHIND_PROXY": "true",
                "BROADSHEET_DATA_DIR": str(root / "machines" / "first"),
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                "REDIS_URL": f"redis://127.0.0.1:{machine.ports['redis']}/0",
                "BROADSHEET_MEDIA_STORAGE_URL": (
                    f"s3+http://multinode:multinode-secret@127.0.0.1:"
                    f"{machine.ports['s3']}/{BUCKET}"
                ),
                "BROADSHEET_CDN_PURGE": f"varnish+http://127.0.0.1:{machine.ports['varnish']}",
                "BROADSHEET_EMAIL_HOST": "127.0.0.1",
                "BROADSHEET_EMAIL_PORT": str(mail_server.port),
                "BROADSHEET_FROM_EMAIL": "newsroom@news.example.org",
                "BROADSHEET_SCHEDULER_INTERVAL": str(INTERVAL),
                "BROADSHEET_NEWSLETTER_SENDERS": "2",
                "BROADSHEET_LOG_FORMAT": "json",
                # This machine only: the SMTP server here speaks no TLS, and
                # a killed worker's batch is taken over in seconds.
                "BROADSHEET_EMAIL_TLS": "false",
                "BROADSHEET_NEWSLETTER_LEASE_SECONDS": "3",
            },
        )
        env_path = machine.write_file(ENV_FILE)
        env_path.write_text(text)

        # 4. Once per release: migrate, the first administrator.
        password_file = machine.path("/root/first-admin-password")
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(site.admin_password)
        result = machine.run_step("prepare", reader_env(dict(os.environ)))
        assert result.returncode == 0, result.stdout + result.stderr
        # Not in the guide: a publication to serve (the demo's articles,
        # images and podcast, written into the bucket).
        site.shell(
            "from django.core.management import call_command\n"
            "call_command('load_demo_content', stdout=open('/dev/null', 'w'))"
        )

        # 5. The units: two web nodes, two workers, two schedulers.
        site.start_unit("web1", UNITS["web"], str(machine.ports["web1"]))
        site.start_unit("web2", UNITS["web"], str(machine.ports["web2"]))
        for name in ("worker1", "worker2"):
            site.start_unit(name, UNITS["worker"])
        site.start_unit("scheduler1", UNITS["scheduler"])
        time.sleep(0.5)  # so scheduler1 is first to the lock
        site.start_unit("scheduler2", UNITS["scheduler"])
        for node in ("web1", "web2"):
            wait_until(
                lambda node=node: answers(site.url(node, "/readyz")),
                120,
                f"{node} did not get ready",
                pause=0.3,
            )

        # 6. Varnish with the guide's VCL.
        machine.write_file("/etc/varnish/broadsheet.vcl")
        env = reader_env(dict(os.environ))
        result = machine.run_step(
            "varnish",
            env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        wait_until(
            lambda: answers(site.url("varnish", "/")), 60, "Varnish did not answer"
        )

        # 7. nginx with the guide's TLS site, in front of Varnish.
        cluster.self_signed_certificate(machine.path("/etc/ssl/broadsheet"))
        nginx_site = machine.write_file("/etc/nginx/sites-enabled/broadsheet.conf")
        config = cluster.nginx_main_config(root / "nginx", nginx_site)
        nginx = Process(
            "nginx",
            ["nginx", "-c", str(config), "-g", "daemon off;"],
            env,
            root / "logs" / "nginx.log",
        ).start()
        site.processes["nginx"] = nginx
        wait_until(
            lambda: answers(site.url("http", "/"), 301),
            30,
            f"nginx did not start: {(root / 'nginx' / 'nginx-error.log')}",
        )
        yield site
    finally:
        stop_varnish(machine)
        for process in reversed(list(site.processes.values())):
            process.stop()
        mail_server.stop()
        try:
            cluster.postgresql("start")  # in case a test left it stopped
        except subprocess.CalledProcessError:
            pass
        cluster.drop_database(database)
        shutil.rmtree(root, ignore_errors=True)


def stop_varnish(machine: Machine) -> None:
    pid_file = machine.root / "varnish.pid"
    if pid_file.exists():
        subprocess.run(["kill", pid_file.read_text().strip()], check=False)


def varnish_bans(site: Site) -> str:
    return subprocess.run(
        ["varnishadm", "-n", str(site.machine.root / "varnish"), "ban.list"],
        capture_output=True,
        text=True,
        timeout=10,
    ).stdout


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), colour).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------------------


def test_every_block_of_the_guide_is_followed(site):
    assert set(blocks()) <= site.machine.used, set(blocks()) - site.machine.used


def test_through_nginx_with_tls_readers_get_pages_and_nobody_else_purges(site):
    address = f"https://127.0.0.1:{site.ports['tls']}"
    home = requests.get(address + "/", timeout=10, verify=False)
    assert (
        home.status_code == 200 and "<h1" in home.text.lower() or "<main" in home.text
    )
    assert "Surrogate-Key" not in home.headers
    ban = requests.request("BAN", address + "/", timeout=10, verify=False)
    assert ban.status_code == 405
    plain = requests.get(site.url("http", "/x/"), timeout=10, allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")


def _first_seen(site: Site, where: str, path: str, start: float) -> float:
    """Seconds from ``start`` until ``path`` on ``where`` shows the new article."""

    def shows():
        response = requests.get(site.url(where, path), timeout=10)
        return "Published on one node" in response.text

    wait_until(shows, 10, f"{path} on {where} never showed the article", pause=0.1)
    return round(time.monotonic() - start, 3)


def test_published_on_node_a_it_is_on_node_b_and_the_cdn_within_2_s(site):
    editor = site.admin_session("web1")
    # An image uploaded through node A lands in the bucket.
    form = editor.get(site.url("web1", "/admin/images/add/"), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    collection = re.search(
        r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text
    )
    uploaded = editor.post(
        site.url("web1", "/admin/images/add/"),
        data={
            "csrfmiddlewaretoken": token,
            "title": "Multinode upload",
            **({"collection": collection[1]} if collection else {}),
        },
        files={"file": ("multinode-upload.png", png("#336699"), "image/png")},
        headers={"Referer": site.url("web1", "/admin/images/add/")},
        timeout=30,
    )
    assert uploaded.ok, uploaded.text[:500]
    draft = site.shell(
        "from wagtail.images import get_image_model\n"
        "from broadsheet.newsroom.models import Author, HomePage, SectionPage\n"
        "from broadsheet.testing import factories\n"
        "image = get_image_model().objects.get(title='Multinode upload')\n"
        "article = factories.make_article(HomePage.objects.get(),"
        " SectionPage.objects.live().first(), [Author.objects.first()],"
        " title='Published on one node, read on all', image=image, live=False)\n"
        "print(article.pk, article.slug, image.file.name)"
    )
    page_id, slug, original = draft.split()
    article = f"/{slug}/"
    # Editors save a draft before publishing it: meanwhile a worker makes
    # the sizes of its images (core.tasks.make_draft_renditions).
    missing_sizes = (
        "from wagtail.models import Page\n"
        "from broadsheet.core import images\n"
        f"page = Page.objects.get(pk={page_id}).get_latest_revision_as_object()\n"
        "print(sum(len(set(specs) - set(image.renditions.values_list("
        "'filter_spec', flat=True))) for image, specs in images.page_renditions(page)))"
    )
    wait_until(
        lambda: site.shell(missing_sizes).strip() == "0",
        120,
        "no worker made the draft's image sizes",
        pause=1,
    )

    # Before: the home page is kept by Varnish (a hit), the article is missing.
    for _ in range(2):
        home = requests.get(site.url("varnish", "/"), timeout=10)
    assert home.headers["X-Cache"] == "HIT"
    assert "Published on one node" not in home.text
    assert requests.get(site.url("web2", article), timeout=10).status_code == 404
    assert requests.get(site.url("varnish", article), timeout=10).status_code == 404

    # Published through node A's admin (Wagtail's bulk action "publish").
    action = site.url(
        "web1", f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/"
    )
    confirm = editor.get(action, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.text)[1]
    published = editor.post(
        action,
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": action},
        timeout=30,
        allow_redirects=False,
    )
    assert published.status_code == 302, published.text[:500]
    start = time.monotonic()
    targets = [
        (where, path) for where in ("web2", "varnish") for path in ("/", article)
    ]
    with ThreadPoolExecutor(len(targets)) as pool:
        seen = dict(
            zip(
                targets,
                pool.map(lambda target: _first_seen(site, *target, start), targets),
                strict=True,
            )
        )
    report(f"seconds from publishing on node A to the page showing: {seen}")
    assert max(seen.values()) <= 2.0, f"seconds after publishing: {seen}"
    # By a purge: Varnish keeps pages for an hour, and a ban names the keys.
    assert "Surrogate-Key" in varnish_bans(site)
    assert (
        requests.get(site.url("varnish", "/"), timeout=10).headers["X-Cache"] == "HIT"
    )

    # The image uploaded on A is served by B, from the bucket.
    original_on_b = requests.get(site.url("web2", f"/media/{original}"), timeout=10)
    assert original_on_b.status_code == 200
    assert original_on_b.content == png("#336699")
    # Its sizes were made once (by the worker, when the article was
    # published), and every node uses the same files: one file per size.
    counts = site.shell(
        "from wagtail.images import get_image_model\n"
        "from django.core.files.storage import default_storage\n"
        "image = get_image_model().objects.get(title='Multinode upload')\n"
        "names = [r.file.name for r in image.renditions.all()]\n"
        "stem = image.file.name.split('/')[-1].rsplit('.', 1)[0]\n"
        "_dirs, files = default_storage.listdir('images')\n"
        "mine = [f for f in files if f.startswith(stem)]\n"
        "print(len(names), len(set(names)), len(mine))"
    )
    renditions, distinct, stored = map(int, counts.split())
    assert renditions >= 1 and renditions == distinct == stored
    page_b = requests.get(site.url("web2", article), timeout=10).text
    hero = re.search(r'src="(/media/images/[^"]+)"', page_b)[1]
    assert requests.get(site.url("web1", hero), timeout=10).status_code == 200


def test_killing_a_web_node_loses_no_request_varnish_can_retry(site):
    statuses = collections.Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def reader(number):
        count = 0
        while not stop.is_set():
            count += 1
            # A new address each time: a miss, so it goes to a node.
            response = requests.get(
                site.url("varnish", f"/latest/?reader={number}-{count}"), timeout=30
            )
            with lock:
                statuses[response.status_code] += 1

    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(reader, n) for n in range(4)]
            time.sleep(2)
            site.processes["web1"].kill()
            time.sleep(4)
            stop.set()
            for future in futures:
                future.result()
    finally:
        # Node A comes back as its unit would restart it, whatever happened,
        # so the tests after this one have both nodes.
        site.start_unit("web1", UNITS["web"], str(site.ports["web1"]))
        wait_until(
            lambda: answers(site.url("web1", "/readyz")), 120, "web1 did not return"
        )
    report(f"answers through Varnish while web1 was killed: {dict(statuses)}")
    assert statuses[200] > 50
    assert set(statuses) == {200}, statuses


def _holds_lock_at(process: Process) -> list[float]:
    return [
        line["time_epoch"] if "time_epoch" in line else _epoch(line["time"])
        for line in process.log_lines()
        if line.get("message", "").startswith("Scheduler holds the lock")
    ]


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_killing_the_scheduler_holding_the_lock_hands_over_within_one_interval(site):
    schedulers = [site.processes["scheduler1"], site.processes["scheduler2"]]
    wait_until(
        lambda: any(_holds_lock_at(s) for s in schedulers), 30, "nobody took the lock"
    )
    time.sleep(INTERVAL)  # both have looked by now
    holders = [s for s in schedulers if _holds_lock_at(s)]
    assert len(holders) == 1, "two schedulers held the lock"
    holder = holders[0]
    standby = next(s for s in schedulers if s is not holder)
    assert any("standing by" in line.get("message", "") for line in standby.log_lines())
    # A scheduled article, due after the holder is gone.
    slug = site.shell(SCHEDULE_AN_ARTICLE).strip().removeprefix("SLUG=")
    killed_at = holder.kill()
    taken = wait_until(lambda: _holds_lock_at(standby), 30, "nobody took over")
    handover = taken[0] - killed_at
    report(f"scheduler hand-over: {handover:.2f} s (interval {INTERVAL} s)")
    assert handover <= INTERVAL, f"{handover:.2f} s"
    wait_until(
        lambda: answers(site.url("varnish", f"/{slug}/")),
        15,
        "the new holder did not publish the scheduled article",
        pause=0.3,
    )
    _restart(site, holder.name, UNITS["scheduler"])


def _restart(site: Site, name: str, unit_file: str) -> None:
    """Start a unit again, as systemd would, and wait until it runs."""
    process = site.start_unit(name, unit_file)
    wait_until(
        lambda: "Broadsheet is running as" in process.log.read_text(errors="replace"),
        60,
        f"{name} did not start again",
        pause=0.2,
    )


SETUP = newsletter_issue_code(SUBSCRIBERS, "Multinode issue")


def test_5000_deliveries_with_a_worker_killed_mid_send_arrive_exactly_once(site):
    before = len(site.mailbox.messages)
    queued = site.shell(SETUP).strip()
    assert queued.endswith(str(SUBSCRIBERS))

    def issue_mail():
        return [
            m for m in site.mailbox.messages[before:] if "Multinode" in m["Subject"]
        ]

    wait_until(lambda: len(issue_mail()) >= 1500, 180, "sending never got going", 0.1)
    # Both workers were sending (two client connections at once).
    assert len({m.peer for m in issue_mail()}) >= 2
    site.processes["worker1"].kill()  # no goodbye, mid-batch
    at_kill = len(issue_mail())
    assert at_kill < SUBSCRIBERS
    wait_until(
        lambda: len(issue_mail()) >= SUBSCRIBERS, 300, "sending never finished", 0.5
    )
    time.sleep(INTERVAL + 3)  # anything extra would arrive now
    copies = collections.Counter(m.envelope_to[0] for m in issue_mail())
    report(f"deliveries: {len(issue_mail())} messages, {at_kill} before the kill")
    assert len(copies) == SUBSCRIBERS  # nobody skipped
    assert set(copies.values()) == {1}  # nobody twice
    status = site.shell(
        "from broadsheet.newsletter.models import Issue\n"
        "issue = Issue.objects.get(subject='Multinode issue')\n"
        "print(issue.status, issue.deliveries.filter(status='sent').count())"
    )
    assert status.split() == ["sent", str(SUBSCRIBERS)]
    _restart(site, "worker1", UNITS["worker"])


def _readyz(site: Site, node: str) -> tuple[int, str]:
    try:
        response = requests.get(site.url(node, "/readyz"), timeout=5)
    except requests.RequestException as error:
        return 0, str(error)
    return response.status_code, response.text


def _wait_readyz(site: Site, status: int, naming: str = "") -> None:
    def matches():
        results = [_readyz(site, node) for node in ("web1", "web2")]
        return all(code == status and naming in text for code, text in results)

    wait_until(matches, 60, f"/readyz did not turn {status} {naming}", pause=0.3)


def test_readyz_follows_postgresql_redis_and_s3_and_recovers_without_restarts(site):
    pids = {name: p.popen.pid for name, p in site.processes.items() if p.running()}
    _wait_readyz(site, 200)

    redis, s3 = site.processes["redis"], site.processes["s3"]
    outages = [
        (
            "database",
            lambda: cluster.postgresql("stop"),
            lambda: cluster.postgresql("start"),
        ),
        ("cache", redis.stop, redis.start),
        ("storage", s3.stop, s3.start),
    ]
    for name, stop, start in outages:
        stop()
        try:
            _wait_readyz(site, 503, name)
        finally:
            start()
        _wait_readyz(site, 200)
        if name != "storage":  # (the restarted S3 server is empty)
            assert answers(site.url("web2", "/")), f"no page after the {name} returned"

    still = {name: p.popen.pid for name, p in site.processes.items() if p.running()}
    for name in ("web1", "web2", "worker1", "worker2", "scheduler1", "scheduler2"):
        assert still[name] == pids[name], f"{name} was restarted"
