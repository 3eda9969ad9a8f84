"""Analytics benchmark: what counting costs the page cache, and how fast events go in.

    make bench-analytics

1. Throughput: the same article through the page cache (`broadsheet serve`,
   its worker and scheduler running), analytics off, then on, in turn for
   ROUNDS rounds after a warm-up round of each, each for SECONDS with wrk and
   a browser's user agent (an empty one is a bot, and is not counted). Each
   server is left to settle after it starts (its scheduler's first tick),
   and its scheduler then rolls up every SCHEDULER_INTERVAL seconds during
   the round, so a round pays for storing and rolling up its events; its
   CPU time is read once the last flush and roll-up after it are done. The
   ratio is of the medians, on / off. The server's CPU time per request
   (web workers, task worker and scheduler) is recorded beside it.
2. Ingestion: beacons POSTed as fast as wrk sends them for SECONDS, the
   server's memory sampled every second; then every event must be in the
   database (none dropped) and the scheduler must have rolled them up.

Everything runs on this machine, side by side, in one run. The figures
replace the analytics section of docs/performance.md.
"""

import argparse
import datetime
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py: wrk and process helpers
from sections import replace_section  # bench/sections.py

ROOT = bench.ROOT
DATA = bench.BENCH_DIR / "analytics"
MARKER = "<!-- analytics benchmark -->"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env.pop("DATABASE_URL", None)
    env.update(BROADSHEET_DATA_DIR=str(DATA), **extra)
    return env


def broadsheet(*args, env=None) -> str:
    done = subprocess.run(
        [*bench.BROADSHEET, *args],
        env=env or child_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return done.stdout


def shell(code: str) -> str:
    return broadsheet("shell", "--verbosity", "0", "-c", code).strip()


class Server:
    def __init__(self, analytics: str, workers: int, scheduler_interval: int = 30):
        self.port = bench.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = child_env(
            BROADSHEET_ANALYTICS=analytics,
            BROADSHEET_BASE_URL=self.base,
            BROADSHEET_BEHIND_PROXY="true",
            BROADSHEET_SCHEDULER_INTERVAL=str(scheduler_interval),
        )
        self.log = open(DATA / f"server-{analytics}.log", "w")
        self.process = subprocess.Popen(
            [
                *bench.BROADSHEET,
                *("serve", "--port", str(self.port), "--workers", str(workers)),
                "--no-migrate",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        bench.wait_until_up(self.base + "/", self.process)

    def memory_mb(self) -> float:
        total = 0
        for pid in bench.group_members(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    def cpu_seconds(self) -> float:
        """User and system time so far of every process of the server."""
        ticks = 0
        for pid in bench.group_members(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
            except OSError:
                continue
            ticks += sum(int(n) for n in fields.split()[11:13])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 180) -> float:
        """Wait until the server's processes are all but idle; return the
        seconds waited. After a restart the scheduler's first tick rebuilds
        its memory of the day's readers from the raw events (``distinct``):
        work done once per process, not for each request."""
        started = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() - started < timeout:
            time.sleep(1)
            now = self.cpu_seconds()
            if now - last < 0.05:
                break
            last = now
        return time.monotonic() - started

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def wrk(url, seconds, connections, script=None) -> dict:
    command = bench.wrk_command(url, seconds, connections, script)
    command[1:1] = ["-H", f"User-Agent: {BROWSER}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return bench.parse_wrk(done.stdout)


# Every request from another reader (the address a proxy would forward), so
# nothing is counted cheaper for being the same as the last request. (A
# headers table given to wrk.format replaces wrk's own, -H included: the
# user agent goes in it too, or every request is a bot and is not counted.)
READERS_SCRIPT = f"""
counter = 0
request = function()
  counter = counter + 1
  local address = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250)
    .. "." .. math.random(1, 250)
  return wrk.format(nil, nil, {{["X-Forwarded-For"] = address,
                                ["User-Agent"] = "{BROWSER}"}})
end
"""


# The scheduler rolls up every few seconds while a round runs, so each round
# pays for rolling up its own events as well as for writing them.
SCHEDULER_INTERVAL = 5


def stored_views() -> int:
    """The server views in the database (a batch's groups end with a count)."""
    return int(
        shell(
            "from broadsheet.analytics.models import ViewBatch\n"
            "groups = ViewBatch.objects.values_list('groups', flat=True)\n"
            "print(sum(group[-1] for batch in groups for group in batch))"
        )
    )


def throughput(article: str, args) -> dict:
    """Rounds of off and on in turn, after one warm-up round of each that is
    not recorded (the first round after the demo is built runs slow). Each
    round records requests/s and the server's CPU time per request: on a
    shared machine the second is the steadier of the two."""
    rounds = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(READERS_SCRIPT)
    for number, analytics in enumerate(("off", "on") * (args.rounds + 1)):
        server = Server(analytics, args.workers, SCHEDULER_INTERVAL)
        try:
            server.settle()
            for _ in range(6):  # every process stores the page once
                bench.fetch(server.base + article, {"User-Agent": BROWSER})
            url = server.base + article
            wrk(url, 3, args.connections, script.name)  # warm, not recorded
            time.sleep(SCHEDULER_INTERVAL + 3)  # its views stored and rolled up
            server.settle()
            before, cpu = stored_views(), server.cpu_seconds()
            result = wrk(url, args.seconds, args.connections, script.name)
            # The round's last flush and roll-up are its own work too.
            time.sleep(SCHEDULER_INTERVAL + 3)
            server.settle()
            per_request = (server.cpu_seconds() - cpu) / result["requests"] * 1e6
            counted = (stored_views() - before) / result["requests"]
            if analytics == "on" and counted < 0.99:  # it would measure nothing
                raise SystemExit(f"only {counted:.0%} of the requests were counted")
            if number >= 2:
                rounds.append((analytics, result["rps"], per_request, counted))
            print(
                f"  analytics {analytics}: {result['rps']:.0f} req/s,"
                f" {per_request:.1f} µs of server CPU a request,"
                f" {counted:.0%} of requests counted"
                + ("" if number >= 2 else " (warm-up)"),
                flush=True,
            )
        finally:
            server.stop()
    Path(script.name).unlink(missing_ok=True)

    def median(mode, index):
        return statistics.median(r[index] for r in rounds if r[0] == mode)

    return {
        "rounds": rounds,
        "off": median("off", 1),
        "on": median("on", 1),
        "cpu_off": median("off", 2),
        "cpu_on": median("on", 2),
    }


BEACON_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
counter = 0
request = function()
  counter = counter + 1
  local body = '{"p": "/bench-' .. (counter % 500) .. '/", "r": "https://ex.example/"}'
  return wrk.format(nil, "/analytics/view", nil, body)
end
"""


def ingestion(args) -> dict:
    before = int(
        shell(
            "from broadsheet.analytics.models import Event\n"
            "print(Event.objects.count())"
        )
    )
    server = Server("on", args.workers)
    samples: list[float] = []
    stop = threading.Event()

    def sample():
        while not stop.wait(1):
            samples.append(server.memory_mb())

    sampler = threading.Thread(target=sample)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(BEACON_SCRIPT)
        sampler.start()
        started = time.monotonic()
        result = wrk(server.base + "/", args.seconds, args.connections, script.name)
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        sent = result["requests"]
        deadline = time.monotonic() + 90
        while True:  # the buffers flush within 2 s; then the roll-up
            stored, rolled = map(
                int,
                shell(
                    "from broadsheet.analytics.models import Event, RollUp\n"
                    "e = Event.objects\n"
                    "mark = RollUp.objects.get().last_event_id\n"
                    "print(e.count(), e.filter(id__lte=mark).count())"
                ).split(),
            )
            if (stored - before >= sent and rolled >= stored - 100) or (
                time.monotonic() > deadline
            ):
                break
            time.sleep(2)
    finally:
        stop.set()
        server.stop()
        Path(script.name).unlink(missing_ok=True)
    half = len(samples) // 2
    return {
        "sent": sent,
        "seconds": elapsed,
        "per_second": sent / elapsed,
        "stored": stored - before,
        "rolled_behind": stored - rolled,
        "memory_first_half_mb": max(samples[:half] or [0]),
        "memory_second_half_mb": max(samples[half:] or [0]),
        "errors": result.get("errors", 0),
    }


def write_report(path: Path, args, found: dict, took: float) -> None:
    t, i = found["throughput"], found["ingestion"]
    ratio = t["on"] / t["off"]
    rounds = ", ".join(
        f"{mode} {rps:,.0f} ({cpu:.1f} µs)" for mode, rps, cpu, _ in t["rounds"]
    )
    cpu_ratio = t["cpu_off"] / t["cpu_on"]
    lines = [
        MARKER,
        "## Audience figures (analytics)",
        "",
        "Measured by `make bench-analytics` (`bench/analytics.py`):",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC,"
        f" {os.cpu_count()} cores, Python {platform.python_version()}, SQLite (WAL),"
        f" `broadsheet serve --workers {args.workers}` with its worker and"
        f" scheduler, wrk with {args.connections} connections and a browser's"
        f" user agent, on the same machine; {took / 60:.0f} minutes in all.",
        "",
        "| | analytics off | analytics on | on / off | target |",
        "|---|---|---|---|---|",
        f"| the page cache's article, requests/s (median) | {t['off']:,.0f}"
        f" | {t['on']:,.0f} | {ratio:.0%} | at least 90%"
        f" {'✓' if ratio >= 0.9 else '✗'} |",
        f"| the server's CPU time a request, µs (median) | {t['cpu_off']:.1f}"
        f" | {t['cpu_on']:.1f} | {cpu_ratio:.0%} as many requests per CPU second | |",
        "",
        f"Rounds, in order ({args.seconds} s each, one server per round, after"
        f" a warm-up round of each): {rounds}. With analytics on, every"
        " request of every round was counted and stored as a view (the bench"
        " checks it). Each server was left to settle"
        " after it started (its scheduler's first tick), and its scheduler"
        f" rolled up every {SCHEDULER_INTERVAL} s during the round, so the"
        " figures with analytics on include rolling the views up; the CPU"
        " time of a round runs until the last flush and roll-up after it are"
        " done. On this shared machine whole runs differ by several points:"
        " docs/audience.md (What counting costs) gives the spread and the"
        " cost of each stage, measured alone.",
        "",
        "| beacons ingested | per second | stored | left to roll up after"
        " 90 s | server memory, first half / second half | target |",
        "|---|---|---|---|---|---|",
        f"| {i['sent']:,} in {i['seconds']:.0f} s | {i['per_second']:,.0f}"
        f" | {i['stored']:,} | {i['rolled_behind']:,}"
        f" | {i['memory_first_half_mb']:.0f} MB / {i['memory_second_half_mb']:.0f} MB"
        f" | 2,000/s, flat memory"
        f" {'✓' if i['per_second'] >= 2000 and i['stored'] >= i['sent'] else '✗'} |",
        "",
        "Throughput: every request comes from another reader (another forwarded",
        "address, `BROADSHEET_BEHIND_PROXY=true` in both modes), so each is a",
        "visitor of its own. Ingestion: every beacon is a page view of one of 500",
        "paths from one address and one user agent. Each is noted by its web",
        "process, hashed and written in bulk by the process's flusher, and",
        "rolled up into hourly and daily tallies by the scheduler.",
        "Memory is the resident size of the whole server (web processes, worker,",
        "scheduler), the largest sample of each half of the run.",
        "",
    ]
    replace_section(path, MARKER, lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    started = time.monotonic()
    DATA.mkdir(parents=True, exist_ok=True)
    print("== the demo site", flush=True)
    broadsheet("demo", "--no-serve")
    article = shell(
        "from broadsheet.newsroom.models import ArticlePage\n"
        "print(ArticlePage.objects.live().public().order_by('pk').first().url)"
    )
    # Every run starts from no figures: a recount reads the whole day, so
    # earlier runs' events would make this one dearer.
    shell(
        "from broadsheet.analytics.models import Event, RollUp, Tally, ViewBatch\n"
        "from django.core.cache import cache\n"
        "for model in (Event, ViewBatch, RollUp, Tally):\n"
        "    model.objects.all().delete()\n"
        "cache.clear()"
    )
    print("== page cache throughput, analytics off and on", flush=True)
    found = {"throughput": throughput(article, args)}
    print("== beacon ingestion", flush=True)
    found["ingestion"] = ingestion(args)
    print(found, flush=True)
    write_report(Path(args.output), args, found, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
