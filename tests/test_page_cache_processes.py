"""The page cache across real processes: two web servers on one database.

Each server is its own granian process with its own memory; a change made
by a third process (an editor publishing) must reach both within a second.
"""

import json
import subprocess
import time

import pytest
import requests

from broadsheet.cli import web_command
from tests.processes import broadsheet, cli_env, free_port, shell, stop_group

PUBLICATION = (
    "from broadsheet.testing import factories\n"
    "p = factories.make_publication(with_images=False)\n"
    "print('URL=' + p['articles'][0].url)"
)
# The editor's process publishes, then itself watches both servers, so the
# delay measured is from the publish call to the first fresh answer of each.
REWRITE = (
    "import json, time, urllib.request\n"
    "from broadsheet.newsroom.models import ArticlePage\n"
    "a = ArticlePage.objects.get(url_path__endswith={path!r})\n"
    "a.title = 'A headline rewritten by the desk'\n"
    "a.save_revision().publish()\n"
    "published = time.monotonic()\n"
    "seen = {{}}\n"
    "while len(seen) < {count} and time.monotonic() - published < 10:\n"
    "    for url in {urls!r}:\n"
    "        if url not in seen:\n"
    "            page = urllib.request.urlopen(url, timeout=10).read().decode()\n"
    "            if 'A headline rewritten by the desk' in page:\n"
    "                seen[url] = time.monotonic() - published\n"
    "    time.sleep(0.02)\n"
    "print('SEEN=' + json.dumps(seen))"
)


def _serve(env, port, log):
    return subprocess.Popen(
        web_command("127.0.0.1", port, 1),  # what `broadsheet serve` runs
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two")
    env = cli_env(tmp_path / "data")
    (tmp_path / "data").mkdir()
    for command in (["migrate"], ["collectstatic", "--no-input"]):
        done = broadsheet(*command, "--verbosity", "0", env=env)
        assert done.returncode == 0, done.stderr
    made = shell(PUBLICATION, env=env)
    assert made.returncode == 0, made.stderr
    path = made.stdout.split("URL=", 1)[1].strip()
    ports = [free_port(), free_port()]
    log = (tmp_path / "servers.log").open("w+")
    servers = [_serve(env, port, log) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    requests.get(base + path, timeout=30)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        log.seek(0)
                        raise AssertionError(log.read()) from None
                    time.sleep(0.2)
        yield {"bases": bases, "path": path, "env": env}
    finally:
        for server in servers:
            stop_group(server)
        log.close()


def test_a_change_reaches_both_processes_within_a_second(two_servers):
    bases, path, env = two_servers["bases"], two_servers["path"], two_servers["env"]
    for base in bases:
        assert requests.get(base + path, timeout=10).headers["X-Cache"] == "hit"

    urls = [base + path for base in bases]
    rewrite = shell(
        REWRITE.format(path=path.strip("/") + "/", count=len(urls), urls=urls),
        env=env,
    )
    assert rewrite.returncode == 0, rewrite.stderr
    seen_after = json.loads(rewrite.stdout.split("SEEN=", 1)[1])
    assert set(seen_after) == set(urls), "a process kept the old page"
    assert max(seen_after.values()) < 1.0, seen_after


def test_the_cache_command_sums_every_process(two_servers):
    bases, path, env = two_servers["bases"], two_servers["path"], two_servers["env"]
    for base in bases:
        requests.get(base + path, timeout=10)
    time.sleep(2.5)  # each process publishes its figures every two seconds
    for base in bases:
        requests.get(base + path, timeout=10)
    result = broadsheet("cache", "stats", "--json", env=env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["processes"] == 2
    assert figures["routes"]["articlepage"]["hit"] >= 2

    purged = broadsheet("cache", "purge", "--all", env=env)
    assert purged.returncode == 0, purged.stderr
    time.sleep(0.5)
    for base in bases:
        assert requests.get(base + path, timeout=10).headers["X-Cache"] == "refresh"
