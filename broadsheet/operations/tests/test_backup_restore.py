"""`broadsheet backup` and `broadsheet restore` end to end, as an operator runs
them: each command in a subprocess, against throw-away data folders.

One demo site on SQLite (loaded once for the module) is backed up and
restored onto a new PostgreSQL database; that site is backed up in turn and
restored onto a second PostgreSQL database. All three are then served and
every reader URL of the old site is read from each and compared.
"""

import json
import re
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.operations.tests.backup_sites import (
    crawl,
    differences,
    media_checksums,
    new_data_folder,
    postgres_databases,
    rewrite_archive,
    web_servers,
)
from tests.processes import broadsheet, cli_env, shell

MEMBER_EMAIL = "zoe@example.org"
MEMBER_PASSWORD = "Lantern-quarry-7-violet"
MEMBER_NAME = "Zoë Ångström"
ADD_MEMBER = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from broadsheet.accounts.services import member_create
user = get_user_model().objects.create_user(
    "zoe", {MEMBER_EMAIL!r}, {MEMBER_PASSWORD!r}
)
EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
member_create(user=user, display_name={MEMBER_NAME!r})
"""
# Where a crawl starts; the sitemaps, feeds and pages lead to the rest.
SEEDS = [
    "/",
    "/sitemap.xml",
    "/latest/",
    "/tags/",
    "/authors/",
    "/llms.txt",
    "/robots.txt",
    "/feed.xml",
    "/feed.atom",
    "/feed.json",
    "/newsletters/",
    "/follow/",
    "/privacy/",
    "/offline/",
    "/saved/",
    "/sw.js",
    "/manifest.webmanifest",
    "/opensearch.xml",
    "/search/?q=model",
    "/search/?q=%22open+weights%22",
    "/search/suggest.json?q=mod",
]
# Search answers come from the database's own full-text engine (SQLite's
# FTS5, PostgreSQL's text search): their matches differ between engines by
# design, so they are compared between the two PostgreSQL sites only.
ENGINE_DEPENDENT = ("/search/",)


def ran(result, what):
    assert result.returncode == 0, f"{what} failed:\n{result.stdout}\n{result.stderr}"
    return result


def refused(result) -> str:
    """The one line a refusal prints; no traceback."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("CommandError: "), result.stderr
    return lines[0]


def timed(timings, name, *args, env):
    """Run a command; note its wall and CPU seconds for the run's report."""
    started, cpu = time.monotonic(), children_cpu()
    result = ran(broadsheet(*args, env=env), name)
    timings[name] = (
        f"{time.monotonic() - started:.1f} s ({children_cpu() - cpu:.1f} s CPU)"
    )
    return result


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture(scope="module")
def old_site(tmp_path_factory):
    """The demo on SQLite, with a member who knows their password, backed up."""
    root = tmp_path_factory.mktemp("backup")
    data = root / "old"
    env = cli_env(data)
    timings = {}
    timed(timings, "demo", "demo", "--no-serve", env=env)
    # Publishing queued the articles' renditions for the site's worker; run
    # it once so the backup holds renditions too, as a live site's does.
    # Meanwhile a member who knows their password joins.
    started, cpu = time.monotonic(), children_cpu()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "broadsheet",
            "db_worker",
            "--batch",
            "--no-startup-delay",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ran(shell(ADD_MEMBER, env=env), "adding a member")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()
    timings["worker and member"] = (
        f"{time.monotonic() - started:.1f} s ({children_cpu() - cpu:.1f} s CPU)"
    )
    archive = root / "old.tar"
    timed(timings, "backup of the demo", "backup", str(archive), env=env)
    checksums = media_checksums(data / "media")
    return {
        "root": root,
        "data": data,
        "env": env,
        "archive": archive,
        "media": checksums,
        "timings": timings,
    }


@pytest.fixture(scope="module")
def restored(old_site):
    """SQLite → PostgreSQL 1, then PostgreSQL 1 → PostgreSQL 2."""
    root, timings = old_site["root"], old_site["timings"]
    started = time.monotonic()
    with postgres_databases(2) as (first, second):
        timings["databases made"] = f"{time.monotonic() - started:.1f} s"
        sites = []
        archive = old_site["archive"]
        for number, url in enumerate((first, second), start=1):
            data = new_data_folder(root / f"pg{number}", like=old_site["data"])
            env = {**cli_env(data), "DATABASE_URL": url}
            result = timed(
                timings, f"restore {number}", "restore", str(archive), env=env
            )
            sites.append({"data": data, "env": env, "output": result.stdout})
            if number == 1:
                archive = root / "pg1.tar"
                timed(timings, "backup of PostgreSQL", "backup", str(archive), env=env)
        for site in sites:
            site["media"] = media_checksums(site["data"] / "media")
        yield {"first": sites[0], "second": sites[1], "pg_archive": archive}


@pytest.fixture(scope="module")
def servers(old_site, restored, tmp_path_factory):
    envs = [old_site["env"], restored["first"]["env"], restored["second"]["env"]]
    with web_servers(envs, tmp_path_factory.mktemp("logs")) as bases:
        yield bases


@pytest.fixture(scope="module")
def crawled(servers, old_site, request):
    started = time.monotonic()
    found = crawl(servers, SEEDS)
    timings = old_site["timings"]
    timings["crawl of three sites"] = f"{time.monotonic() - started:.1f} s"
    # Shown in the test run's output: what a backup and a restore cost.
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(f"\n{len(found)} reader URLs compared; seconds: {timings}")
    return found


def test_restored_media_match_the_archive_and_the_old_site(old_site, restored):
    assert len(old_site["media"]) > 100  # originals, renditions, documents
    with open_manifest(old_site["archive"]) as manifest:
        archived = {
            name.removeprefix("media/"): entry["sha256"]
            for name, entry in manifest["files"].items()
            if name.startswith("media/")
        }
    assert archived == old_site["media"]
    assert restored["first"]["media"] == old_site["media"]
    assert restored["second"]["media"] == old_site["media"]


def test_the_manifest_tells_versions_migrations_and_rows(old_site):
    with open_manifest(old_site["archive"]) as manifest:
        assert manifest["versions"]["database"]["vendor"] == "sqlite"
        assert {"broadsheet", "django", "wagtail", "python"} <= set(
            manifest["versions"]
        )
        assert "newsroom.0001_initial" in manifest["migrations"]
        rows = {table["table"]: table["rows"] for table in manifest["tables"]}
    assert rows["newsroom_articlepage"] == 33
    assert rows["wagtailimages_rendition"] > 0
    # Rebuilt after a restore, never archived.
    assert "search_searchdocument" not in rows
    assert not any(name.startswith("wagtailsearch_") for name in rows)
    assert "broadsheet_cache" not in rows


def test_sqlite_demo_restored_onto_postgresql_answers_every_reader_url_the_same(
    crawled,
):
    sitemap_pages = [path for path in crawled if path.endswith("/")]
    assert len(crawled) > 300 and len(sitemap_pages) > 80
    assert sum(path.endswith(".md") for path in crawled) == 33
    assert any(path.startswith("/podcast/") and "feed" in path for path in crawled)
    assert all(answers[0][0] in (200, 301, 302) for answers in crawled.values()), [
        path for path, answers in crawled.items() if answers[0][0] >= 400
    ]
    problems = differences(crawled, 0, 1, skip=ENGINE_DEPENDENT)
    assert not problems, "\n\n".join(problems[:10])
    # The search index was rebuilt: the same words find articles.
    for path, answers in crawled.items():
        if path.startswith("/search/?"):
            assert answers[1][0] == 200 and b"search-results__count" in answers[1][3]


def test_postgresql_site_restored_onto_postgresql_answers_every_reader_url_the_same(
    crawled,
):
    problems = differences(crawled, 1, 2) + differences(
        crawled, 0, 2, skip=ENGINE_DEPENDENT
    )
    assert not problems, "\n\n".join(problems[:10])


def sign_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    login = base + "/accounts/login/"
    page = session.get(login + "?csrf=1", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    session.post(
        login,
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": login},
        timeout=30,
    )
    return session


@pytest.mark.parametrize("site", [1, 2], ids=["from-sqlite", "from-postgresql"])
def test_members_sign_in_on_the_restored_site(servers, site):
    base = servers[site]
    member = sign_in(base, MEMBER_EMAIL, MEMBER_PASSWORD)
    profile = member.get(base + "/accounts/profile/", allow_redirects=False, timeout=30)
    assert profile.status_code == 200
    assert MEMBER_NAME in profile.text

    stranger = sign_in(base, MEMBER_EMAIL, "not-the-password")
    refused_profile = stranger.get(
        base + "/accounts/profile/", allow_redirects=False, timeout=30
    )
    assert refused_profile.status_code == 302


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def first_media_member(archive) -> str:
    with open_manifest(archive) as manifest:
        return next(name for name in manifest["files"] if name.startswith("media/"))


def test_a_corrupted_archive_is_refused_in_one_line_before_anything_is_written(
    old_site, tmp_path
):
    member = first_media_member(old_site["archive"])
    damaged = tmp_path / "damaged.tar"
    rewrite_archive(old_site["archive"], damaged, member=member, change=flip_a_byte)
    data = tmp_path / "target"
    line = refused(broadsheet("restore", str(damaged), env=cli_env(data)))
    assert "Checksum mismatch" in line and member in line
    assert_untouched(data)


# In this process, without the `db` fixture: any query would fail the test,
# so these refusals provably come before the database is touched. (No test
# here uses the database: pytest-django runs those first, which would split
# the module and set its fixtures up twice.)


def test_a_flipped_byte_in_a_table_is_refused_too(old_site, tmp_path):
    damaged = tmp_path / "damaged.tar"
    member = "database/newsroom_articlepage.jsonl.gz"
    rewrite_archive(old_site["archive"], damaged, member=member, change=flip_a_byte)
    before = media_files()
    with pytest.raises(CommandError, match=f"Checksum mismatch .*{member}"):
        call_command("restore", str(damaged), verbosity=0)
    # Not one media file written (the suite's media folder holds other
    # tests' files, so compare the whole folder, times and sizes included).
    assert media_files() == before


def media_files() -> set[tuple[str, int, int]]:
    root = Path(settings.MEDIA_ROOT)
    return {
        (str(path.relative_to(root)), path.stat().st_mtime_ns, path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    }


def test_a_truncated_archive_is_refused(old_site, tmp_path):
    truncated = tmp_path / "truncated.tar"
    whole = old_site["archive"].read_bytes()
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(CommandError, match="truncated"):
        call_command("restore", str(truncated), verbosity=0)


def test_an_archive_with_other_migrations_is_refused(old_site, tmp_path):
    def from_other_code(manifest):
        manifest["migrations"] = manifest["migrations"][:-1] + ["newsroom.9999_future"]
        return manifest

    other = tmp_path / "other.tar"
    rewrite_archive(old_site["archive"], other, manifest=from_other_code)
    with pytest.raises(CommandError, match="migrations differ.*newsroom.9999_future"):
        call_command("restore", str(other), verbosity=0)


def test_backup_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "backup.tar"))


# Last: it replaces the old site, which the comparisons above read.
def test_force_replaces_content_and_a_postgresql_archive_restores_on_sqlite(
    old_site, restored
):
    database_file = old_site["data"] / "db.sqlite3"
    with sqlite3.connect(database_file) as database:
        database.execute("UPDATE newsroom_author SET bio = 'Changed since'")
    result = broadsheet(
        "restore", "--force", str(restored["pg_archive"]), env=old_site["env"]
    )
    ran(result, "restore --force")
    with open_manifest(restored["pg_archive"]) as manifest:
        rows = {table["table"]: table["rows"] for table in manifest["tables"]}
    with sqlite3.connect(database_file) as database:
        for table in ("auth_user", "wagtailcore_page", "wagtailcore_revision"):
            (count,) = database.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count == rows[table], table
        bios = {bio for (bio,) in database.execute("SELECT bio FROM newsroom_author")}
    assert "Changed since" not in bios


def assert_untouched(data_folder):
    """Nothing written: no tables in the database, no media."""
    database = data_folder / "db.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == []
    assert not (data_folder / "media").exists()


class open_manifest:
    def __init__(self, archive):
        import tarfile

        self.tar = tarfile.open(archive)

    def __enter__(self):
        return json.loads(self.tar.extractfile("manifest.json").read())

    def __exit__(self, *exc):
        self.tar.close()
