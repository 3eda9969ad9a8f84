"""One benchmark run, everything side by side: writes docs/performance.md.

In one run, on this machine, against the same data (the demo plus a
5,000-article archive in var/bench):

1. nginx (the Debian package) serving saved copies of the pages as static
   files: the reference;
2. granian answering with the same bytes from a do-nothing WSGI app
   (bench/bare_app.py): what granian itself costs a request;
3. Broadsheet with its page cache off (BROADSHEET_PAGE_CACHE=off: every
   request rendered) and on (warm), each a fresh `broadsheet serve`;
4. article, home, section, tag and RSS feed at each concurrency with wrk;
5. a spike test (cache on): wrk on home and one article while an editor
   publishes an article every 10 seconds; how soon each shows on home, and
   whether an unrelated article keeps being served from the cache;
6. each process's peak memory, Lighthouse on home and an article (cache on),
   and the queries per page.

Every figure goes into var/bench/results.json as soon as it is measured, and
docs/performance.md is rewritten from it after each step, so a run that
stops half-way keeps what it measured (`--report-only` rewrites the page from
the saved figures). Every process it starts runs in its own process group and
is stopped in a `finally`. Usage: `make bench` (bench/run.sh installs wrk,
nginx, chromium and Lighthouse first); `bench/run.py --help` for the flags.
"""

import argparse
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "results.json"
BROADSHEET = [sys.executable, "-m", "broadsheet"]
PAGES = ("article", "home", "section", "tag", "rss")
FEED_PATH = "/feed.xml"  # distribution/urls.py: site_rss
MODES = ("nginx", "bare", "off", "on")
MODE_NAMES = {
    "nginx": "nginx (static copy)",
    "bare": "granian, bare app",
    "off": "cache off",
    "on": "cache on",
}
# Response headers the bare app does not replay: the server sets its own.
UNREPLAYED = frozenset({"content-length", "date", "server", "connection"})
NEWSLETTER_MARKER = "<!-- newsletter benchmark -->"
SEARCH_MARKER = "<!-- search benchmark -->"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
TARGETS_OFF = {"article": 150, "home": 70, "rss": 60}  # req/s, cache off, 16 conns
TARGET_RATIO = 0.5  # cache on / nginx (article copy), at 64 connections
SPIKE_P99_MS = 100
VISIBLE_S = 1.0
CLS_MAX = 0.05

QUERY_COUNT_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = json.loads({paths!r})
client = Client()
counts = {{}}
for name, path in paths.items():
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    cache_reads = sum('"broadsheet_cache"' in q["sql"] for q in ctx.captured_queries)
    counts[name] = [status, len(ctx.captured_queries), cache_reads]
from broadsheet.newsroom.selectors import QUERY_CEILINGS
print("COUNTS=" + json.dumps({{"counts": counts, "ceilings": QUERY_CEILINGS}}))
"""

SAMPLE_SCRIPT = """
import json
from django.db import connection
from wagtail.models import Page
from broadsheet.newsroom.models import ArticlePage, SectionPage
# Articles a previous spike test published: gone, so every run starts equal.
for page in Page.objects.filter(slug__startswith="bench-spike-"):
    page.delete()
a = (ArticlePage.objects.live().filter(slug__startswith="archive-")
     .select_related("section").order_by("pk"))
a = a[min(2500, a.count() - 1)]
s = SectionPage.objects.live().order_by("path").first()
t = a.tags.order_by("pk").first()
other = SectionPage.objects.live().exclude(pk=a.section_id).order_by("path").first()
with connection.cursor() as cursor:
    cursor.execute("select sqlite_version()")
    sqlite = cursor.fetchone()[0]
print("SAMPLE=" + json.dumps({
    "paths": {"article": a.url, "home": "/", "section": s.url,
              "tag": "/tags/%s/" % t.slug, "rss": %(feed)r},
    "article_section": a.section.slug,
    "spike_section": other.slug,
    "live_articles": ArticlePage.objects.live().count(),
    "archive_articles": ArticlePage.objects.filter(slug__startswith="archive-").count(),
    "sqlite": sqlite,
}))
""".replace("%(feed)r", repr(FEED_PATH))

XCACHE_LUA = """
-- Counts responses by X-Cache value (and status class) per thread.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  counts = {}
end
function response(status, headers, body)
  local value = "none"
  for name, v in pairs(headers) do
    if string.lower(name) == "x-cache" then value = string.lower(v) end
  end
  if status >= 400 then value = value .. " (" .. status .. ")" end
  counts[value] = (counts[value] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    if c then
      for k, v in pairs(c) do io.write(string.format("XCACHE %s=%d\\n", k, v)) end
    end
  end
end
"""


# --- processes ---------------------------------------------------------------


class Processes:
    """Every long-running child, each in its own process group; all stopped at exit."""

    def __init__(self):
        self.children: list[subprocess.Popen] = []

    def start(self, command, *, env=None, log=None, **kwargs) -> subprocess.Popen:
        out = open(log, "ab") if log else subprocess.DEVNULL
        try:
            child = subprocess.Popen(
                command,
                env=env,
                stdout=kwargs.pop("stdout", out),
                stderr=kwargs.pop("stderr", out),
                start_new_session=True,
                **kwargs,
            )
        finally:
            if log:
                out.close()
        self.children.append(child)
        return child

    def stop(self, child: subprocess.Popen, timeout: float = 20) -> None:
        """SIGTERM the child's process group, then SIGKILL whatever is left of it."""
        group = child.pid
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                child.poll()
                if not group_members(group):
                    break
                time.sleep(0.1)
        child.poll()
        if child.returncode is None:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if child in self.children:
            self.children.remove(child)

    def stop_all(self) -> None:
        for child in list(reversed(self.children)):
            self.stop(child, timeout=10)


def group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        # fields: state ppid pgrp ...; zombies hold no memory and are reaped
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def process_memory(group: int, labels) -> list[dict]:
    """Peak (VmHWM) and current resident memory of every process in a group."""
    rows = []
    for pid in group_members(group):
        proc = Path("/proc") / str(pid)
        try:
            status = (proc / "status").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)

        rows.append(
            {
                "pid": pid,
                "ppid": ppid,
                "cmd": cmdline.strip()[:200],
                "hwm_kb": kilobytes(fields, "VmHWM"),
                "rss_kb": kilobytes(fields, "VmRSS"),
            }
        )
    by_pid = {row["pid"]: row for row in rows}
    for row in rows:
        row["name"] = labels(row, by_pid, group)
    return sorted(rows, key=lambda r: (r["name"], r["pid"]))


def kilobytes(fields: dict, name: str) -> int:
    value = fields.get(name, "0 kB").split()
    return int(value[0]) if value else 0


def broadsheet_label(row, by_pid, group) -> str:
    cmd = row["cmd"]
    if row["pid"] == group:
        return "serve (supervisor)"
    if "db_worker" in cmd:
        return "task worker"
    if "run_scheduler" in cmd:
        return "scheduler"
    if "granian" in cmd and by_pid.get(row["ppid"], {}).get("pid") == group:
        return "granian main"
    parent = by_pid.get(row["ppid"])
    if parent and "granian" in parent["cmd"]:
        return "granian worker"
    return cmd.split(" ")[0].rsplit("/", 1)[-1] or "?"


def bare_label(row, by_pid, group) -> str:
    return "granian main" if row["pid"] == group else "granian worker"


def nginx_label(row, by_pid, group) -> str:
    return "nginx master" if row["pid"] == group else "nginx worker"


def merge_memory(old: list[dict], new: list[dict]) -> list[dict]:
    """Keep the highest peak seen for each process across samples."""
    rows = {row["pid"]: row for row in old}
    for row in new:
        if row["pid"] in rows:
            row = {**row, "hwm_kb": max(row["hwm_kb"], rows[row["pid"]]["hwm_kb"])}
        rows[row["pid"]] = row
    return sorted(rows.values(), key=lambda r: (r["name"], r["pid"]))


def cpu_snapshot() -> dict:
    """Machine-wide CPU time, and this process's own plus its reaped children's."""
    values = [int(x) for x in Path("/proc/stat").read_text().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    own = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return {
        "at": time.monotonic(),
        "busy": user + nice + system + irq + softirq,
        "steal": steal,
        "all": sum(values),
        "ours": sum(int(x) for x in own[11:15]),  # utime stime cutime cstime
    }


def cpu_others(before: dict, after: dict) -> dict:
    """Cores used on average by processes not started by the benchmark."""
    hz = os.sysconf("SC_CLK_TCK")
    seconds = max(0.001, after["at"] - before["at"])
    busy = after["busy"] - before["busy"]
    ours = after["ours"] - before["ours"]
    all_ = max(1, after["all"] - before["all"])
    return {
        "seconds": round(seconds, 1),
        "busy_cores": round(busy / hz / seconds, 2),
        "our_cores": round(ours / hz / seconds, 2),
        "other_cores": round(max(0, busy - ours) / hz / seconds, 2),
        "steal_pct": round(100 * (after["steal"] - before["steal"]) / all_, 1),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers=None, timeout: float = 60) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def x_cache(headers: dict) -> str | None:
    for name, value in headers.items():
        if name.lower() == "x-cache":
            return value
    return None


def wait_until_up(url: str, child: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if child.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {child.returncode}")
        try:
            status, _, _ = fetch(url, timeout=30)
            if status < 500:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.5)


# --- wrk -----------------------------------------------------------------------


def wrk_command(url, seconds, connections, script=None) -> list[str]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "30s"]
    if script:
        command += ["-s", str(script)]
    return [*command, url]


def parse_wrk(output: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, output, re.M)
        return float(match[1]) if match else default

    def percentile(p):
        match = re.search(rf"^\s+{p}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if not match:
            return None
        scale = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[match[2]]
        return float(match[1]) * scale

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket = [int(x) for x in socket_errors.groups()] if socket_errors else [0] * 4
    requests = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    x_cache = {
        key: int(value)
        for key, value in re.findall(r"^XCACHE (.+)=(\d+)$", output, re.M)
    }
    count = int(requests[1]) if requests else 0
    result = {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": count,
        "p50": percentile(50) if count else None,
        "p99": percentile(99) if count else None,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), socket, strict=True)
        ),
        "non_2xx_3xx": non_2xx,
        "errors": sum(socket) + non_2xx,
    }
    if x_cache:
        result["x_cache"] = x_cache
    return result


def wrk(url, seconds, connections) -> dict:
    command = wrk_command(url, seconds, connections)
    done = subprocess.run(
        command, text=True, capture_output=True, timeout=seconds + 120
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return parse_wrk(done.stdout)


# --- the run -------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.processes = Processes()
        self.results = {}
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
            and not k.startswith("BROADSHEET_")
        }
        self.env["BROADSHEET_DATA_DIR"] = str(BENCH_DIR)
        self.logs = BENCH_DIR / "logs"

    # persistence

    def save(self) -> None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        tmp = RESULTS.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.results, indent=1, sort_keys=True))
        tmp.replace(RESULTS)
        write_report(Path(self.args.output), self.results)

    def step(self, name: str, function, *args, account=False) -> None:
        """Run one step; a failure is recorded in the report, the run goes on.

        With ``account``, also record how much CPU other processes on the
        machine used meanwhile (every process of the step is reaped by its end).
        """
        print(f"== {name}", flush=True)
        started = time.monotonic()
        before = cpu_snapshot()
        try:
            function(*args)
        except Exception as error:  # noqa: BLE001  (reported, then the next step)
            message = f"{type(error).__name__}: {error}"
            print(f"!! {name} failed: {message}", file=sys.stderr, flush=True)
            self.results.setdefault("failures", {})[name] = message[:2000]
        self.results.setdefault("step_seconds", {})[name] = round(
            time.monotonic() - started, 1
        )
        if account:
            self.results.setdefault("machine_load", {})[name] = cpu_others(
                before, cpu_snapshot()
            )
        self.save()

    def django(self, *args, env=None) -> str:
        done = subprocess.run(
            [*BROADSHEET, *args],
            env=env or self.env,
            text=True,
            capture_output=True,
            timeout=3600,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"broadsheet {' '.join(args[:2])} exited with {done.returncode}:\n"
                + done.stderr[-3000:]
            )
        return done.stdout

    def shell(self, code: str, env=None) -> str:
        return self.django("shell", "--verbosity", "0", "-c", code, env=env)

    def run(self) -> None:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        for log in self.logs.glob("*.log"):
            log.unlink()
        a = self.args
        self.results = {
            "meta": machine_facts(a),
            "settings": {
                "articles": a.articles,
                "seconds": a.seconds,
                "warmup": a.warmup,
                "connections": a.connections,
                "workers": a.workers,
                "nginx_workers": a.nginx_workers,
                "spike_seconds": a.spike_seconds,
                "spike_window": a.spike_window,
                "publish_every": a.publish_every,
                "wrk": " ".join(wrk_command("URL", a.seconds, "N")),
            },
            "wrk": {},
            "memory": {},
            "x_cache": {},
        }
        before = cpu_snapshot()
        time.sleep(3)
        self.results["machine_load"] = {
            "before the run": cpu_others(before, cpu_snapshot())
        }
        self.save()
        self.load_data()  # without data there is nothing to measure
        self.step("queries", self.count_queries)
        self.step("cache off", self.broadsheet_mode, "off", account=True)
        self.step("nginx", self.nginx_mode, account=True)
        self.step("bare", self.bare_mode, account=True)
        self.step("cache on", self.broadsheet_mode, "on", account=True)
        self.results["meta"]["finished"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        self.save()

    def load_data(self) -> None:
        print("== data", flush=True)
        started = time.monotonic()
        if self.args.skip_load:  # the servers run --no-migrate: the code may be new
            self.django("migrate", "--no-input", "--verbosity", "0")
            self.django("collectstatic", "--no-input", "--verbosity", "0")
        else:
            print(f"Loading the demo and {self.args.articles} archive articles ...")
            self.django("demo", "--no-serve")  # migrate, collectstatic, demo
            print(self.django("generate_archive", "--count", str(self.args.articles)))
        out = self.shell(
            SAMPLE_SCRIPT, env={**self.env, "BROADSHEET_PAGE_CACHE": "off"}
        )
        sample = json.loads(out.split("SAMPLE=", 1)[1])
        self.results["data"] = {
            **sample,
            "load_seconds": round(time.monotonic() - started),
            "reused": self.args.skip_load,
        }
        self.results["meta"]["sqlite"] = sample["sqlite"]
        self.save()

    @property
    def paths(self) -> dict[str, str]:
        return self.results["data"]["paths"]

    def count_queries(self) -> None:
        code = QUERY_COUNT_SCRIPT.format(paths=json.dumps(self.paths))
        out = self.shell(code, env={**self.env, "BROADSHEET_PAGE_CACHE": "off"})
        found = json.loads(out.split("COUNTS=", 1)[1])
        self.results["queries"] = found["counts"]
        self.results["query_ceilings"] = found["ceilings"]

    # modes

    def measure_pages(self, mode: str, base: str, sample_memory) -> None:
        a = self.args
        table = self.results["wrk"].setdefault(mode, {})
        for name, path in self.paths.items():
            url = base + path
            print(f"   {mode} {name} {path}", flush=True)
            if a.warmup:
                wrk(url, a.warmup, max(a.connections))  # not recorded
            for connections in a.connections:
                result = wrk(url, a.seconds, connections)
                result["path"] = path
                table.setdefault(name, {})[str(connections)] = result
                print(
                    f"     c{connections}: {result['rps']:.0f} req/s, "
                    f"p50 {fmt_ms(result['p50'])}, p99 {fmt_ms(result['p99'])}, "
                    f"errors {result['errors']}",
                    flush=True,
                )
                sample_memory()
                self.save()

    def broadsheet_mode(self, mode: str) -> None:
        a = self.args
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**self.env, "BROADSHEET_BASE_URL": base}
        if mode == "off":
            env["BROADSHEET_PAGE_CACHE"] = "off"
        server = self.processes.start(
            [
                *BROADSHEET,
                *("serve", "--port", str(port), "--workers", str(a.workers)),
                "--no-migrate",
            ],
            env=env,
            log=self.logs / f"server-{mode}.log",
        )

        sample_memory = self.memory_sampler(mode, server.pid, broadsheet_label)

        try:
            wait_until_up(base + "/", server)
            # Work the loading left for the task worker (image renditions of
            # what was just published) must not run beside the measurements.
            drained = self.results.setdefault("tasks_drained_seconds", {})
            drained[mode] = wait_for_idle_tasks(env)
            if mode == "off":
                self.save_copies(base)
            # warm: a few requests per page (for "on", fills the cache)
            seen = {}
            for name, path in self.paths.items():
                for _ in range(6 if mode == "on" else 1):  # each process gets some
                    status, headers, _ = fetch(base + path)
                seen[name] = {"status": status, "x_cache": x_cache(headers)}
                gz = fetch(base + path, {"Accept-Encoding": "br, gzip"})[1]
                seen[name]["content_encoding"] = gz.get("Content-Encoding")
            self.results["x_cache"][mode] = seen
            if mode == "on":
                self.results["cache_stats_before"] = self.cache_stats(env)
            self.save()
            self.measure_pages(mode, base, sample_memory)
            if mode == "on":
                self.results["cache_stats_after_pages"] = self.cache_stats(env)
                self.save()
                # The spike first: Lighthouse's chromium must not still be
                # winding down while the spike's latencies are measured.
                if a.spike_seconds:
                    self.step("spike", self.spike, base, env, sample_memory)
                if a.lighthouse_runs:
                    self.step("lighthouse", self.lighthouse, base)
            sample_memory()
        finally:
            try:
                sample_memory()
            except Exception:  # noqa: BLE001  (the server may be gone)
                pass
            self.processes.stop(server)
            self.results.setdefault("server_log", {})[mode] = log_summary(
                self.logs / f"server-{mode}.log"
            )

    def memory_sampler(self, mode: str, group: int, label):
        """A function that records the peak memory of ``group``'s processes."""

        def sample_memory():
            rows = process_memory(group, label)
            memory = self.results["memory"]
            memory[mode] = merge_memory(memory.get(mode, []), rows)

        return sample_memory

    def save_copies(self, base: str) -> None:
        """Save each page as Broadsheet serves it (no compression) for nginx."""
        copies = BENCH_DIR / "static-copy"
        shutil.rmtree(copies, ignore_errors=True)
        sizes, replayed = {}, {}
        for name, path in self.paths.items():
            status, headers, body = fetch(base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            target = copies / path.lstrip("/")
            if path.endswith("/"):
                target = target / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            sizes[name] = len(body)
            replayed[path] = {
                "status": "200 OK",
                "file": str(target.relative_to(copies)),
                "headers": [
                    [key, value]
                    for key, value in headers.items()
                    if key.lower() not in UNREPLAYED
                ],
            }
        (copies / "headers.json").write_text(json.dumps(replayed, indent=1))
        self.results["page_bytes"] = sizes

    def nginx_mode(self) -> None:
        a = self.args
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        port = free_port()
        conf_dir = BENCH_DIR / "nginx"
        conf_dir.mkdir(exist_ok=True)
        conf = conf_dir / "nginx.conf"
        conf.write_text(nginx_conf(port, conf_dir, a.nginx_workers))
        self.results["nginx_conf"] = conf.read_text()
        server = self.processes.start(
            [nginx, "-e", str(conf_dir / "error.log"), "-c", str(conf)]
            + ["-g", "daemon off;"],
            log=self.logs / "nginx.log",
        )

        sample_memory = self.memory_sampler("nginx", server.pid, nginx_label)

        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + self.paths["article"], server, 30)
            copies = BENCH_DIR / "static-copy"
            for path in self.paths.values():
                body = fetch(base + path)[2]
                target = copies / path.lstrip("/")
                target = target / "index.html" if path.endswith("/") else target
                if body != target.read_bytes():
                    raise RuntimeError(f"nginx does not serve the copy of {path}")
            self.measure_pages("nginx", base, sample_memory)
            sample_memory()
        finally:
            self.processes.stop(server)

    def bare_mode(self) -> None:
        """The same pages from a do-nothing WSGI app under serve's granian."""
        from broadsheet.cli import web_command

        a = self.args
        port = free_port()
        env = {**self.env, "BENCH_BARE_COPIES": str(BENCH_DIR / "static-copy")}
        command = web_command("127.0.0.1", port, int(a.workers), "bare_app:application")
        self.results["bare_command"] = " ".join(command[1:])
        server = self.processes.start(
            command, env=env, cwd=ROOT / "bench", log=self.logs / "server-bare.log"
        )

        sample_memory = self.memory_sampler("bare", server.pid, bare_label)

        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + self.paths["article"], server, 30)
            self.measure_pages("bare", base, sample_memory)
            sample_memory()
        finally:
            self.processes.stop(server)

    def cache_stats(self, env) -> dict:
        done = subprocess.run(
            [*BROADSHEET, "cache", "stats", "--json"],
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
        )
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            return {"unavailable": lines[0] if lines else f"exit {done.returncode}"}
        try:
            return json.loads(done.stdout)
        except ValueError:
            return {"unavailable": "not JSON: " + done.stdout[:200]}

    def lighthouse(self, base: str) -> None:
        a = self.args
        binary = a.lighthouse or shutil.which("lighthouse")
        if not binary or not Path(binary).exists():
            raise RuntimeError("Lighthouse is not installed (bench/run.sh installs it)")
        env = {**os.environ, "CHROME_PATH": a.chrome}
        results = self.results.setdefault("lighthouse", {})
        results["_version"] = subprocess.run(
            [binary, "--version"], text=True, capture_output=True
        ).stdout.strip()
        for name in ("home", "article"):
            runs = []
            for number in range(a.lighthouse_runs):
                report = BENCH_DIR / f"lighthouse-{name}-{number + 1}.json"
                # Lighthouse sometimes loses its own trace ("Something went
                # wrong with recording the trace ... run Lighthouse again"):
                # one more try, counted in the results.
                for _attempt in range(2):
                    report.unlink(missing_ok=True)
                    done = subprocess.run(
                        [
                            binary,
                            base + self.paths[name],
                            "--quiet",
                            "--output=json",
                            f"--output-path={report}",
                            "--only-categories=performance",
                            f"--chrome-flags={CHROME_FLAGS}",
                        ],
                        env=env,
                        text=True,
                        capture_output=True,
                        timeout=300,
                        start_new_session=True,
                    )
                    if done.returncode == 0 and report.exists():
                        break
                    retried = results.setdefault("_retried", [])
                    retried.append(f"{name} {number + 1}: {done.stderr[-300:]}")
                else:
                    raise RuntimeError(
                        f"lighthouse {name} exited with {done.returncode}: "
                        + done.stderr[-1500:]
                    )
                runs.append(lighthouse_figures(json.loads(report.read_text())))
            results[name] = runs
            self.save()

    def spike(self, base: str, env: dict, sample_memory) -> None:
        a = self.args
        script = BENCH_DIR / "xcache.lua"
        script.write_text(XCACHE_LUA)
        publisher = self.processes.start(
            [
                sys.executable,
                str(ROOT / "bench" / "spike_publisher.py"),
                *("--base", base, "--section", self.results["data"]["spike_section"]),
                *("--unrelated", self.paths["article"]),
                *("--duration", str(a.spike_seconds)),
                *("--interval", str(a.publish_every)),
                *("--offset", str(min(3.0, a.publish_every / 2))),
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "broadsheet.settings.base"},
            log=self.logs / "publisher.log",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        spike = self.results["spike"] = {
            "unrelated_path": self.paths["article"],
            "section": self.results["data"]["spike_section"],
            "article_section": self.results["data"]["article_section"],
            "windows": [],
            "published": [],
        }
        wrks: list[subprocess.Popen] = []
        try:
            ready, _, _ = select.select([publisher.stdout], [], [], 180)
            line = publisher.stdout.readline() if ready else "(nothing in 180 s)"
            if line.strip() != "READY":
                publisher.wait(timeout=30)
                raise RuntimeError(f"the publisher did not start: {line!r}")
            for _ in range(3):  # the publisher made its author: warm again
                for path in (self.paths["home"], self.paths["article"]):
                    fetch(base + path)
            spike["stats_before"] = self.cache_stats(env)
            publisher.stdin.write("go\n")
            publisher.stdin.flush()
            started = time.monotonic()
            half = max(1, a.spike_connections // 2)
            window = 0
            while time.monotonic() - started < a.spike_seconds - 0.5:
                left = a.spike_seconds - (time.monotonic() - started)
                seconds = max(1, min(a.spike_window, round(left)))
                window += 1
                wrks = [
                    self.processes.start(
                        wrk_command(base + self.paths[name], seconds, half, script),
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                    for name in ("home", "article")
                ]
                row = {"window": window, "from_s": round(time.monotonic() - started)}
                for name, child in zip(("home", "article"), wrks, strict=True):
                    out, err = child.communicate(timeout=seconds + 120)
                    if child.returncode != 0:
                        raise RuntimeError(f"wrk {name} failed: {err.strip()}")
                    self.processes.children.remove(child)
                    row[name] = parse_wrk(out)
                wrks = []
                spike["windows"].append(row)
                sample_memory()
                self.save()
            out, _ = publisher.communicate(timeout=60)
            for line in out.splitlines():
                kind, _, payload = line.partition(" ")
                if kind == "PUBLISHED":
                    spike["published"].append(json.loads(payload))
                elif kind == "UNRELATED":
                    spike["unrelated"] = json.loads(payload)
            spike["stats_after"] = self.cache_stats(env)
        finally:
            for child in [*wrks, publisher]:
                self.processes.stop(child, timeout=5)


def log_summary(path: Path) -> dict:
    """Tracebacks and the most frequent error lines in a server's log."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return {}
    errors: dict[str, int] = {}
    for line in text.splitlines():
        if re.match(r"^[\w.]+(Error|Exception): ", line):
            errors[line[:200]] = errors.get(line[:200], 0) + 1
    top = sorted(errors.items(), key=lambda item: -item[1])[:5]
    return {"tracebacks": text.count("Traceback (most recent call last)"), "top": top}


def lighthouse_figures(report: dict) -> dict:
    audits = report.get("audits", {})
    compression = audits.get("uses-text-compression", {})
    cls = audits.get("cumulative-layout-shift", {})
    settings = report.get("configSettings", {})
    details = compression.get("details") or {}
    return {
        "performance": (report.get("categories", {}).get("performance") or {}).get(
            "score"
        ),
        "text_compression_score": compression.get("score"),
        "text_compression_mode": compression.get("scoreDisplayMode"),
        "text_compression_display": compression.get("displayValue", ""),
        "text_compression_savings_bytes": details.get("overallSavingsBytes"),
        "cls": cls.get("numericValue"),
        "lcp_ms": audits.get("largest-contentful-paint", {}).get("numericValue"),
        "form_factor": settings.get("formFactor"),
        "throttling": settings.get("throttlingMethod"),
        "version": report.get("lighthouseVersion"),
    }


# Waits until no task is waiting or running, and prints how long it took.
_WAIT_FOR_TASKS = """
import time
from django_tasks_db.models import DBTaskResult
started = time.monotonic()
while (DBTaskResult.objects.ready() | DBTaskResult.objects.running()).exists():
    if time.monotonic() - started > 900:
        raise SystemExit("the task queue did not drain in 15 minutes")
    time.sleep(1)
print(round(time.monotonic() - started, 1))
"""


def wait_for_idle_tasks(env) -> float:
    """Wait for the server's task worker to finish what is queued; return seconds."""
    done = subprocess.run(
        [*BROADSHEET, "shell", "--verbosity", "0", "-c", _WAIT_FOR_TASKS],
        env=env,
        text=True,
        capture_output=True,
        timeout=960,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def nginx_conf(port: int, folder: Path, workers: str) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # read var/bench as we do
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Generated by bench/run.py: serves saved copies of Broadsheet's pages.
{user}worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    gzip off;
    sendfile on;
    tcp_nopush on;
{temp}
    server {{
        listen 127.0.0.1:{port};
        root {BENCH_DIR / "static-copy"};
        index index.html;
    }}
}}
"""


def command_version(command: list[str], pattern: str = r"([\d.]+)") -> str:
    try:
        done = subprocess.run(command, text=True, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    match = re.search(pattern, done.stdout + done.stderr)
    return match[1] if match else "unknown"


def machine_facts(args) -> dict:
    cpu = "unknown"
    try:
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match[1].strip() if match else cpu
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0

    def package(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": package("django"),
        "wagtail": package("wagtail"),
        "granian": package("granian"),
        "nginx": command_version(["nginx", "-v"], r"nginx/([\d.]+)"),
        "wrk": command_version(["wrk", "-v"], r"wrk (\S+)"),
        "chromium": command_version([args.chrome, "--version"], r"Chromium ([\d.]+)"),
        "git": command_version(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], r"(.+)"
        ),
    }


# --- the report ----------------------------------------------------------------


def fmt_ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def fmt_rps(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def pct(ratio: float) -> str:
    return f"{ratio:.0%}" if ratio >= 0.1 else f"{ratio:.2%}"


def mark(ok) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def write_report(path: Path, r: dict) -> None:
    meta, settings = r.get("meta", {}), r.get("settings", {})
    data = r.get("data", {})
    conns = [str(c) for c in settings.get("connections", [])]
    wrk_results = r.get("wrk", {})

    def cell(mode, page, conns_):
        return wrk_results.get(mode, {}).get(page, {}).get(str(conns_))

    lines = [
        "# Performance",
        "",
        "Every figure on this page comes from one run of `make bench`",
        "(`bench/run.sh` → `bench/run.py`) on one machine: nginx serving a saved",
        "copy of each page, and Broadsheet with its page cache off and on, side by",
        "side against the same data. Rerun it to refresh the page; the raw figures",
        "are in `var/bench/results.json`.",
        "",
        "## Setup",
        "",
        f"- Date: {meta.get('date', '?')}"
        + (f" (finished {meta['finished']})" if meta.get("finished") else ""),
        f"- Machine: {meta.get('cores', '?')} cores ({meta.get('cpu', '?')}), "
        f"{meta.get('memory_gb', '?')} GB, Linux {meta.get('kernel', '?')}",
        f"- Software: Python {meta.get('python', '?')}, Django "
        f"{meta.get('django', '?')}, Wagtail {meta.get('wagtail', '?')}, granian "
        f"{meta.get('granian', '?')}, nginx {meta.get('nginx', '?')}, wrk "
        f"{meta.get('wrk', '?')}; code at `{meta.get('git', '?')}`",
        f"- Database: SQLite {meta.get('sqlite', '?')} (WAL) with "
        f"{data.get('live_articles', '?')} live articles (the demo and a "
        f"{data.get('archive_articles', '?')}-article archive"
        + (
            "; reused from an earlier run)"
            if data.get("reused")
            else f"; loading or checking it took {data.get('load_seconds', '?')} s)"
        ),
        f"- Broadsheet: `broadsheet serve --workers {settings.get('workers', '?')}"
        " --no-migrate` (granian, WSGI, with the task worker and scheduler beside"
        " it), a fresh server for each mode; cache off is"
        " `BROADSHEET_PAGE_CACHE=off`, cache on is the default, warmed by a few"
        " requests per page first",
        f"- nginx: the Debian package, `worker_processes "
        f"{settings.get('nginx_workers', '?')}`, `access_log off`, `gzip off`, "
        "serving the bytes Broadsheet sent for each page (configuration below)",
        "- granian, bare app: `bench/bare_app.py`, a WSGI app that answers each"
        " page from memory with the bytes and headers Broadsheet sent, under the"
        " same granian command as `broadsheet serve`"
        f" (`{r.get('bare_command', '?')}`): what granian itself costs a request,"
        " with no cache and no Django. The page cache's hits run at about its"
        " speed (within the 10–20% that runs vary), so the rest of the gap to"
        " nginx is the server's, not the cache's",
        f"- Load: `{settings.get('wrk', '?')}` per page and concurrency, after a "
        f"{settings.get('warmup', '?')} s warm-up per page that is not recorded. wrk"
        " sends no `Accept-Encoding`, so every server sends uncompressed bytes."
        " wrk, the servers and the editor of the spike test share the machine's"
        " cores, and figures on a shared virtual machine vary by 10–20% between"
        " runs",
        *load_lines(r.get("machine_load", {})),
        *drain_lines(r.get("tasks_drained_seconds", {})),
        "",
    ]
    failures = r.get("failures", {})
    if failures:
        lines += ["**Steps that failed in this run** (their figures are missing):", ""]
        lines += [
            f"- {name}: `{msg.splitlines()[0][:300]}`" for name, msg in failures.items()
        ]
        lines.append("")
    if not meta.get("finished"):
        lines += ["**This run had not finished when this page was written.**", ""]

    logs = r.get("server_log", {})
    if logs:
        lines.append(
            "Broadsheet's server logs (var/bench/logs): "
            + "; ".join(
                f"{MODE_NAMES[mode]}: {summary.get('tracebacks', '?')} tracebacks"
                for mode, summary in logs.items()
            )
            + "."
        )
        for mode, summary in logs.items():
            for line, count in summary.get("top", []):
                lines.append(f"- {MODE_NAMES[mode]}, {count}×: `{line}`")
        lines.append("")
    lines += goals_section(r, cell)

    for c in conns:
        lines += [
            f"## {c} connections",
            "",
            "Requests per second, median and 99th-percentile latency (ms), and errors"
            " (socket errors and responses other than 2xx/3xx).",
            "",
            "| page | "
            + " | ".join(f"{MODE_NAMES[m]} req/s | p50 | p99 | errors" for m in MODES)
            + " | cache on ÷ nginx | bare app ÷ nginx |",
            "| --- |" + " ---: | ---: | ---: | ---: |" * len(MODES) + " ---: | ---: |",
        ]
        for page in PAGES:
            cells = []
            for mode in MODES:
                res = cell(mode, page, c)
                if res:
                    cells.append(
                        f"{fmt_rps(res['rps'])} | {fmt_ms(res['p50'])} | "
                        f"{fmt_ms(res['p99'])} | {res['errors']}"
                    )
                else:
                    cells.append("– | – | – | –")
            ratios = [
                pct(mine["rps"] / ng["rps"]) if mine and ng and ng["rps"] else "–"
                for ng in [cell("nginx", page, c)]
                for mine in (cell("on", page, c), cell("bare", page, c))
            ]
            lines.append(
                f"| {page} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |"
            )
        lines.append("")
    if data.get("paths"):
        sizes = r.get("page_bytes", {})
        lines += [
            "Pages: "
            + "; ".join(
                f"{name} `{path}`"
                + (f" ({sizes[name] / 1024:.0f} KiB)" if name in sizes else "")
                for name, path in data["paths"].items()
            )
            + ".",
            "",
        ]
    seen = r.get("x_cache", {})
    if seen:
        lines += [
            "Response headers seen after warming (no `Accept-Encoding`, then"
            " `Content-Encoding` when asked for `br, gzip`):",
            "",
            "| page | "
            + " | ".join(
                f"{MODE_NAMES[m]} X-Cache | Content-Encoding" for m in ("off", "on")
            )
            + " |",
            "| --- | --- | --- | --- | --- |",
        ]
        for page in PAGES:
            row = []
            for mode in ("off", "on"):
                s = seen.get(mode, {}).get(page, {})
                encoding = s.get("content_encoding") or "none"
                row.append(
                    f"{s.get('x_cache') or 'none'} | {encoding}" if s else "– | –"
                )
            lines.append(f"| {page} | " + " | ".join(row) + " |")
        lines.append("")
        if seen.get("on") and not any(x.get("x_cache") for x in seen["on"].values()):
            lines += [
                "**No response carried `X-Cache` with the cache on: this build has"
                ' no page cache, so "cache on" measured the same code as "cache'
                ' off".**',
                "",
            ]

    if r.get("cache_stats_after_pages"):
        lines += stats_lines(
            r.get("cache_stats_before"),
            r["cache_stats_after_pages"],
            "over the cache-on page runs above",
        )
    lines += spike_section(r)
    lines += memory_section(r)
    lines += lighthouse_section(r)
    lines += queries_section(r)
    if r.get("nginx_conf"):
        lines += [
            "## nginx configuration",
            "",
            "```nginx",
            r["nginx_conf"].strip(),
            "```",
            "",
        ]

    path.parent.mkdir(parents=True, exist_ok=True)
    # bench/search.py and bench/newsletter.py own the part of the page from
    # the first of their markers on.
    old = path.read_text() if path.exists() else ""
    starts = [old.index(m) for m in (SEARCH_MARKER, NEWSLETTER_MARKER) if m in old]
    kept = old[min(starts) :] if starts else ""
    path.write_text("\n".join(lines) + ("\n" + kept if kept else ""))


def drain_lines(drained: dict) -> list[str]:
    if not drained:
        return []
    waits = ", ".join(
        f"cache {mode}: {seconds:.0f} s" for mode, seconds in drained.items()
    )
    return [
        "- Before measuring, each Broadsheet server's task worker finished what"
        f" loading had queued for it (image renditions of new articles): {waits}"
    ]


def load_lines(load: dict) -> list[str]:
    """What else ran on the machine: figures are only comparable on a quiet one."""
    if not load:
        return []
    parts = [
        f"{name}: {x['other_cores']:.2f} cores"
        + (f", steal {x['steal_pct']:.0f}%" if x.get("steal_pct") else "")
        for name, x in load.items()
    ]
    busiest = max(x["other_cores"] for x in load.values())
    line = (
        "- Other processes on the machine (not started by the benchmark) used on"
        " average: " + "; ".join(parts)
    )

    if busiest >= 0.2:
        line += (
            f". **The machine was not quiet** (up to {busiest:.1f} of"
            f" {os.cpu_count()} cores taken by others): treat the figures as"
            " lower bounds and compare modes with care"
        )
    return [line]


def goals_section(r, cell) -> list[str]:
    rows = []
    nginx_article = cell("nginx", "article", 64)
    for page in ("article", "home", "rss"):
        on = cell("on", page, 64)
        same = cell("nginx", page, 64)
        if on and nginx_article and nginx_article["rps"]:
            ratio = on["rps"] / nginx_article["rps"]
            extra = (
                f" ({pct(on['rps'] / same['rps'])} of nginx serving the {page} copy)"
                if same and same["rps"] and page != "article"
                else ""
            )
            rows.append(
                (
                    f"cache on, {page}, 64 connections: ≥ {TARGET_RATIO:.0%} of nginx"
                    " (article copy)",
                    f"{fmt_rps(on['rps'])} req/s = {pct(ratio)} of "
                    f"{fmt_rps(nginx_article['rps'])}{extra}",
                    ratio >= TARGET_RATIO,
                )
            )
        bare = cell("bare", page, 64)
        if bare and nginx_article and nginx_article["rps"]:
            rows.append(
                (
                    f"for comparison: granian's bare app, {page}, 64 connections"
                    " (what granian itself costs)",
                    f"{fmt_rps(bare['rps'])} req/s = "
                    f"{pct(bare['rps'] / nginx_article['rps'])} of nginx; cache on"
                    f" = {pct(on['rps'] / bare['rps']) if on else '–'} of it",
                    None,
                )
            )
    for page, target in TARGETS_OFF.items():
        off = cell("off", page, 16)
        if off:
            rows.append(
                (
                    f"cache off, {page}, 16 connections: ≥ {target} req/s",
                    f"{fmt_rps(off['rps'])} req/s",
                    off["rps"] >= target,
                )
            )
    queries = r.get("queries", {})
    ceilings = r.get("query_ceilings", {})
    over = [
        f"{name} {count - cache_reads} > {ceilings[name]}"
        for name, (_, count, *rest) in queries.items()
        for cache_reads in [rest[0] if rest else 0]
        if ceilings.get(name) is not None and count - cache_reads > ceilings[name]
    ]
    if queries:
        rows.append(
            (
                "queries per page within `QUERY_CEILINGS` (not counting"
                " database-cache reads, see Queries)",
                "over: " + ", ".join(over) if over else "all within",
                not over,
            )
        )
    spike = r.get("spike", {})
    windows = spike.get("windows", [])
    if windows:
        errors = sum(w[p]["errors"] for w in windows for p in ("home", "article"))
        p99 = max((w[p]["p99"] or 0) for w in windows for p in ("home", "article"))
        rows.append(("spike: 0 errors", str(errors), errors == 0))
        rows.append(
            (
                f"spike: p99 < {SPIKE_P99_MS} ms on home and article, every window",
                f"worst window {fmt_ms(p99)} ms",
                p99 < SPIKE_P99_MS,
            )
        )
    published = spike.get("published", [])
    if published:
        delays = [p["visible_after_s"] for p in published]
        worst = None if None in delays else max(delays)
        rows.append(
            (
                f"spike: each new article on home within {VISIBLE_S:.0f} s",
                f"{len(published)} published, "
                + (
                    f"slowest {worst * 1000:.0f} ms"
                    if worst is not None
                    else f"{delays.count(None)} never seen"
                ),
                worst is not None and worst < VISIBLE_S,
            )
        )
    unrelated = spike.get("unrelated")
    if unrelated:
        counts = unrelated.get("x_cache", {})
        hits = counts.get("hit", 0)
        total = unrelated.get("requests", 0)
        rows.append(
            (
                "spike: an unrelated article keeps hitting the cache",
                f"{hits} of {total} polls were hits ({fmt_counts(counts)})",
                total > 0 and hits == total,
            )
        )
    lighthouse = r.get("lighthouse", {})
    for name in ("home", "article"):
        runs = lighthouse.get(name)
        if runs:
            worst_cls = max(run["cls"] or 0 for run in runs)
            passes = all(
                run["text_compression_score"] == 1
                or run["text_compression_mode"] == "notApplicable"
                for run in runs
            )
            rows.append(
                (
                    f"Lighthouse {name}: text compression passes",
                    ", ".join(text_compression(run) for run in runs),
                    passes,
                )
            )
            rows.append(
                (
                    f"Lighthouse {name}: CLS < {CLS_MAX}",
                    ", ".join(f"{run['cls']:.3f}" for run in runs),
                    worst_cls < CLS_MAX,
                )
            )
    if not rows:
        return []
    out = [
        "## Goals (issue 13) against this run",
        "",
        "| goal | measured | met |",
        "| --- | --- | :---: |",
    ]
    out += [f"| {goal} | {measured} | {mark(ok)} |" for goal, measured, ok in rows]
    return [*out, ""]


def text_compression(run) -> str:
    if run["text_compression_mode"] == "notApplicable":
        return "passes (nothing to compress)"
    if run["text_compression_score"] == 1:
        return "passes"
    saved = run.get("text_compression_savings_bytes")
    return "fails" + (f" ({saved / 1024:.0f} KiB to save)" if saved else "")


def fmt_counts(counts: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"


def spike_section(r) -> list[str]:
    spike = r.get("spike")
    settings = r.get("settings", {})
    if not spike:
        return []
    lines = [
        "## Spike test (cache on)",
        "",
        f"{settings.get('spike_seconds')} s of load: two wrk processes,"
        f" {max(1, settings.get('spike_connections', 64) // 2)} connections each,"
        f" on home and on `{spike['unrelated_path']}` (section"
        f" {spike.get('article_section')}), run in windows of"
        f" {settings.get('spike_window')} s so that the 99th percentile is known"
        f" throughout. Meanwhile a separate process (`bench/spike_publisher.py`)"
        f" publishes a new article in section {spike.get('section')} every"
        f" {settings.get('publish_every')} s (by its own author and tag, so the"
        " loaded article shares nothing with it) through"
        " `save_revision().publish()`, then polls `GET /` every 20 ms until the"
        " headline shows; the delay counts from the start of the publish call.",
        "",
        "| window | from s | home req/s | p50 | p99 | errors | X-Cache"
        " | article req/s | p50 | p99 | errors | X-Cache |",
        "|" + " ---: |" * 6 + " --- |" + " ---: |" * 4 + " --- |",
    ]
    for w in spike.get("windows", []):
        cells = []
        for page in ("home", "article"):
            res = w[page]
            cells.append(
                f"{fmt_rps(res['rps'])} | {fmt_ms(res['p50'])} | {fmt_ms(res['p99'])}"
                f" | {res['errors']} | {fmt_counts(res.get('x_cache', {}))}"
            )
        lines.append(f"| {w['window']} | {w['from_s']} | " + " | ".join(cells) + " |")
    lines.append("")
    published = spike.get("published", [])
    if published:
        lines += [
            "| article published | at s | publish call ms"
            " | on home after ms (from the call) | polls |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for p in published:
            after = p["visible_after_s"]
            lines.append(
                f"| {p['headline']} | {p['at']:.1f} | {p['publish_call_s'] * 1000:.0f}"
                f" | {'never (gave up)' if after is None else f'{after * 1000:.0f}'}"
                f" | {p['polls']} |"
            )
        delays = [p["visible_after_s"] for p in published if p["visible_after_s"]]
        if delays:
            lines += [
                "",
                f"Slowest: {max(delays) * 1000:.0f} ms after the publish call began.",
            ]
        lines.append("")
    unrelated = spike.get("unrelated")
    if unrelated:
        lines += [
            f"The unrelated article `{unrelated['path']}`, polled every 50 ms by the"
            f" publisher: {unrelated['requests']} requests, X-Cache"
            f" {fmt_counts(unrelated['x_cache'])}; within 2 s after a publish:"
            f" {fmt_counts(unrelated['x_cache_within_2s_of_a_publish'])}.",
            "",
        ]
    before, after = spike.get("stats_before"), spike.get("stats_after")
    if before or after:
        lines += stats_lines(before, after)
    return lines


def stats_lines(before, after, during="during the spike") -> list[str]:
    if not after or "unavailable" in after:
        reason = (after or {}).get("unavailable", "no figures")
        return [
            f"`broadsheet cache stats --json` was not available: `{reason}`.",
            "",
        ]
    delta = stats_delta(before or {}, after)
    routes = delta.get("routes") if isinstance(delta, dict) else None
    if not isinstance(routes, dict):
        return [
            f"`broadsheet cache stats --json` {during} (numbers are the change):",
            "",
            "```json",
            json.dumps(delta, indent=1, sort_keys=True)[:4000],
            "```",
            "",
        ]
    if not routes:
        return [
            f"`broadsheet cache stats --json` {during}: no figures"
            f" ({after.get('processes', '?')} serving processes reported).",
            "",
        ]
    outcomes = sorted({k for counts in routes.values() for k in counts})
    order = ["hit", "stale", "refresh", "miss", "pass"]
    outcomes = [o for o in order if o in outcomes] + [
        o for o in outcomes if o not in order
    ]
    lines = [
        f"Page cache outcomes per route {during}, from `broadsheet cache stats"
        f" --json` (all {after.get('processes', '?')} serving processes; at the"
        f" end {after.get('entries', '?')} responses,"
        f" {after.get('bytes', 0) / 1048576:.1f} MiB in memory):",
        "",
        "| route | " + " | ".join(outcomes) + " |",
        "| --- |" + " ---: |" * len(outcomes),
    ]
    for route, counts in sorted(routes.items()):
        if any(counts.get(o) for o in outcomes):
            lines.append(
                f"| {route} | "
                + " | ".join(f"{counts.get(o, 0):,}" for o in outcomes)
                + " |"
            )
    return [*lines, ""]


def stats_delta(before, after):
    """Subtract numbers found at the same place in two JSON documents."""
    if isinstance(after, dict):
        return {
            k: stats_delta(before.get(k) if isinstance(before, dict) else None, v)
            for k, v in after.items()
        }
    if isinstance(after, (int, float)) and not isinstance(after, bool):
        if isinstance(before, (int, float)) and not isinstance(before, bool):
            return after - before
    return after


def memory_section(r) -> list[str]:
    memory = r.get("memory", {})
    if not memory:
        return []
    lines = [
        "## Peak memory",
        "",
        "Peak resident memory (`VmHWM` in `/proc/<pid>/status`) of every process"
        " in each server's process group, sampled after each measurement; the"
        " total adds them up, counting shared pages more than once.",
        "",
        "| mode | process | pid | peak MB |",
        "| --- | --- | ---: | ---: |",
    ]
    for mode in MODES:
        rows = memory.get(mode, [])
        for row in rows:
            lines.append(
                f"| {MODE_NAMES[mode]} | {row['name']} | {row['pid']}"
                f" | {row['hwm_kb'] / 1024:.0f} |"
            )
        if rows:
            total = sum(row["hwm_kb"] for row in rows) / 1024
            lines.append(f"| {MODE_NAMES[mode]} | **total** | | **{total:.0f}** |")
    return [*lines, ""]


def lighthouse_section(r) -> list[str]:
    lighthouse = r.get("lighthouse", {})
    rows = [(n, run) for n in ("home", "article") for run in lighthouse.get(n, [])]
    if not rows:
        return []
    first = rows[0][1]
    lines = [
        "## Lighthouse (cache on)",
        "",
        f"Lighthouse {first.get('version')} (npm), Chromium"
        f" {r.get('meta', {}).get('chromium', '?')}, performance category only,"
        f" {first.get('form_factor')} with {first.get('throttling')} throttling,"
        f" Chrome flags `{CHROME_FLAGS}`.",
        "",
        "| page | performance score | text compression | CLS | LCP ms |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for name, run in rows:
        score = "–" if run["performance"] is None else round(run["performance"] * 100)
        cls = "–" if run["cls"] is None else f"{run['cls']:.3f}"
        lines.append(
            f"| {name} | {score} | {text_compression(run)} | {cls}"
            f" | {fmt_ms(run['lcp_ms'])} |"
        )
    retried = lighthouse.get("_retried", [])
    if retried:
        lines += [
            "",
            "Runs that Lighthouse itself failed and that were tried again:"
            f" {len(retried)}.",
        ]
    return [*lines, ""]


def queries_section(r) -> list[str]:
    queries = r.get("queries")
    if not queries:
        return []
    ceilings = r.get("query_ceilings", {})
    lines = [
        f"## Queries per page with {r.get('data', {}).get('live_articles', '?')}"
        " articles",
        "",
        "Counted on the benchmark database with Django's test client (the second"
        " request of each page, no page cache); the ceilings are `QUERY_CEILINGS`"
        " in `broadsheet/newsroom/selectors.py`, asserted by"
        " `broadsheet/newsroom/tests/test_query_counts.py`."
        " The database-cache reads are lookups in the `default` cache, which is the"
        " `broadsheet_cache` table here (as in production without Redis) but an"
        " in-memory cache under the test settings, so the tests do not count them.",
        "",
        "| page | status | queries | of which database-cache reads | ceiling |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(queries, key=lambda n: PAGES.index(n) if n in PAGES else 99):
        status, count, *rest = queries[name]
        lines.append(
            f"| {name} | {status} | {count} | {rest[0] if rest else '?'}"
            f" | {ceilings.get(name, 'none')} |"
        )
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=20, help="per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="s per page, unrecorded")
    parser.add_argument(
        "--connections",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[16, 64],
        help="comma-separated (default 16,64)",
    )
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--nginx-workers", default="2", help="worker_processes")
    parser.add_argument("--spike-seconds", type=int, default=120, help="0: no spike")
    parser.add_argument("--spike-window", type=int, default=10)
    parser.add_argument("--spike-connections", type=int, default=64)
    parser.add_argument("--publish-every", type=float, default=10)
    parser.add_argument("--lighthouse", help="the lighthouse command")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="0: skip")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument(
        "--skip-load", action="store_true", help="reuse var/bench as it is"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the page from var/bench/results.json",
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    if args.report_only:
        write_report(Path(args.output), json.loads(RESULTS.read_text()))
        return 0
    missing = [tool for tool in ("wrk",) if not shutil.which(tool)]
    if missing:
        parser.error(f"missing {', '.join(missing)}: run bench/run.sh (make bench)")

    bench = Bench(args)

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        bench.run()
    finally:
        bench.processes.stop_all()
        if bench.results:  # keep what was measured, and say the run stopped
            if not bench.results.get("meta", {}).get("finished"):
                failures = bench.results.setdefault("failures", {})
                failures.setdefault("run", "stopped before the end")
            bench.save()
    print(Path(args.output).read_text())
    return 1 if bench.results.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
