"""Helpers for the backup tests: throw-away PostgreSQL databases, web servers,
and a crawl that reads every reader URL of a site from several sites at once.
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import pytest
import requests

from broadsheet.cli import web_command
from tests.processes import free_port, stop_group, wait_for

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
_database_numbers = count(1)


def postgres_available() -> bool:
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@contextmanager
def postgres_databases(how_many: int):
    """Empty databases with names of their own: the suite's SQLite and
    PostgreSQL lanes run at once on one server, so nothing may be shared."""
    if not postgres_available():
        message = f"PostgreSQL is not running at {POSTGRES}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    names = [
        f"broadsheet_restore_{os.getpid()}_{next(_database_numbers)}"
        for _ in range(how_many)
    ]
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{POSTGRES}/{name}" for name in names]
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_data_folder(path: Path, like: Path) -> Path:
    """A data folder for a restored site, configured like the old one.

    Static files come from the code, not the backup (`broadsheet serve`
    collects them; linking the old folder's saves that time here). The
    secret key is configuration a move carries over (docs/backup.md).
    """
    path.mkdir(parents=True)
    (path / "static").symlink_to(like / "static")
    shutil.copy(like / "secret_key", path / "secret_key")
    return path


@contextmanager
def web_servers(envs: list[dict], log_folder: Path):
    """The web server of `broadsheet serve` for each environment, without the
    task worker and scheduler: nothing may change the sites while they are
    compared."""
    ports = [free_port() for _ in envs]
    processes = []
    try:
        for number, (env, port) in enumerate(zip(envs, ports, strict=True)):
            log = (log_folder / f"web-{number}.log").open("w")
            processes.append(
                subprocess.Popen(
                    web_command("127.0.0.1", port, 1),
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for(base + "/robots.txt", time.monotonic() + 60)
        yield bases
    finally:
        for process in processes:
            stop_group(process)


def cookieless_session() -> requests.Session:
    # A csrftoken cookie makes forms render a token (random per site), and
    # readers' pages are cookie-free anyway.
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


LINK = re.compile(
    r'(?:href|src|poster|url)="([^"#]+)"'  # HTML, RSS enclosures, OPML
    r'|content="(https?://[^"#]+)"'  # og:image and friends
    r"|<(?:loc|link|guid|id|url)>(https?://[^<]+)</"  # sitemaps, feeds
    r"|\]\(([^)\s]+)\)"  # Markdown twins, llms.txt
    r'|": ?"(https?://[^"]+)"'  # JSON Feed, chapters
    r'|"(?:src|start_url|url|href)": ?"(/[^"]+)"'  # web manifest
)
# Not reader pages: the admin, sign-in and account pages (personal, with
# tokens), static files (the code's, not the site's), the CSRF endpoint.
NOT_READER = ("/admin/", "/accounts/", "/static/", "/csrf/")


def reader_links(base: str, page_url: str, text: str):
    host = urlsplit(base).netloc
    for match in LINK.finditer(text):
        raw = next(group for group in match.groups() if group)
        parts = urlsplit(urljoin(page_url, raw.replace("&amp;", "&")))
        if parts.netloc != host or parts.path.startswith(NOT_READER):
            continue
        if parts.query and not re.fullmatch(r"page=\d+", parts.query):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(bases: list[str], seeds: list[str], limit: int = 2000) -> dict:
    """Every reader URL reachable from ``seeds`` on the first site, each read
    from every site at once.

    The other sites are asked with the first site's Host header, so every
    absolute link they render names the same address. Reading each URL
    from all sites within milliseconds is what takes the time of rendering
    out of the comparison: the 48-hour news sitemap, comments closing after
    some days, a scheduled page going live or a podcast promo changing at
    an episode's release all depend on the moment of rendering, and that
    moment is the same for all of them.

    Returns {path: [(status, content type, Location, body) per site]}.
    """
    host = urlsplit(bases[0]).netloc
    sessions = [cookieless_session() for _ in bases]

    def answer(site: int, path: str):
        response = sessions[site].get(
            bases[site] + path,
            headers={"Host": host},
            allow_redirects=False,
            timeout=120,
        )
        return (
            response.status_code,
            response.headers.get("Content-Type", ""),
            response.headers.get("Location", ""),
            response.content,
        )

    found, queue = {}, list(seeds)
    with ThreadPoolExecutor(len(bases)) as pool:
        while queue and len(found) < limit:
            path = queue.pop(0)
            if path in found:
                continue
            found[path] = list(pool.map(answer, range(len(bases)), [path] * len(bases)))
            status, content_type, _, body = found[path][0]
            textual = any(
                kind in content_type for kind in ("html", "xml", "text", "json")
            )
            if status == 200 and textual:
                text = body.decode("utf-8", errors="replace")
                queue += [
                    link
                    for link in reader_links(bases[0], bases[0] + path, text)
                    if link not in found
                ]
    return found


def differences(found: dict, old: int, new: int, skip=()) -> list[str]:
    """Paths whose answer differs between sites ``old`` and ``new``, explained."""
    import difflib

    problems = []
    for path, answers in found.items():
        if path.startswith(tuple(skip)) or answers[old] == answers[new]:
            continue
        a, b = answers[old], answers[new]
        detail = f"{path}: {a[:3]} vs {b[:3]}"
        if a[3] != b[3]:
            lines = difflib.unified_diff(
                a[3].decode(errors="replace").splitlines(),
                b[3].decode(errors="replace").splitlines(),
                lineterm="",
                n=0,
            )
            detail += "\n" + "\n".join(list(lines)[2:12])
        problems.append(detail)
    return problems


def media_checksums(media_folder: Path) -> dict[str, str]:
    import hashlib

    return {
        str(path.relative_to(media_folder)): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in sorted(media_folder.rglob("*"))
        if path.is_file()
    }


def rewrite_archive(
    source: Path, target: Path, *, member=None, change=None, manifest=None
):
    """Copy an archive, passing one member's bytes through ``change`` or
    replacing the manifest: a damaged or altered backup."""
    import io
    import json

    with (
        tarfile.open(source) as old,
        tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as new,
    ):
        for info in old:
            data = old.extractfile(info).read()
            if info.name == member:
                data = change(data)
            if info.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
