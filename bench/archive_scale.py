"""Archive scale: the same pages at 10,000, 100,000 and 1,000,000 articles.

    make bench-archive                                # 10k, 100k and 1M
    python bench/archive_scale.py --sizes 2000,10000  # a quick check

Builds its own PostgreSQL database (``broadsheet_archive_bench`` on
127.0.0.1:5432, dropped and made again unless --keep) and loads the demo.
Then, for each size in turn, it tops the archive up in bulk with
``broadsheet generate_archive --count N --comments 10N`` (a child process:
its time and peak memory are recorded), vacuums and analyses as autovacuum
would after a bulk load, and times in this process, through Django's test
client (no page cache: it sits outside Django):

- the reader pages: home, an article, a section, a tag, an author, the first
  and the deepest listing page, the site feed, the sitemap index, a sitemap
  page, llms.txt and an article's Markdown twin. Each is rendered once to
  warm up, then --runs times (median and p95), and its queries counted;
- the admin, logged in as an administrator: the page listing that holds the
  articles, the page chooser, the author (snippet) chooser, the tag chooser
  and the comment moderation queue, --admin-runs times each.

The pages are the same at every size: the article, tag, author and section
are fixed, and the archive only grows older. The figures go in the
archive-scale section of docs/performance.md, side by side.
"""

import argparse
import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from postgres import use_database  # bench/postgres.py
from sections import replace_section  # bench/sections.py

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- archive scale benchmark -->"
DATABASE = "broadsheet_archive_bench"
COMMENTS_PER_ARTICLE = 10
# The article every size shows: an archive article that the smallest size
# already holds, so its page, comments and neighbours are the same.
ARTICLE_NUMBER = 1500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load(size: int) -> dict:
    """Top the archive up to ``size`` articles in a child process."""
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable, "-m", "broadsheet", "generate_archive",
            "--count", str(size), "--comments", str(size * COMMENTS_PER_ARTICLE),
        ],
        env=os.environ, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    print(done.stdout, flush=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = [line for line in done.stdout.splitlines() if line[:1].isalpha()]
    return {
        "load_seconds": round(time.monotonic() - started, 1),
        "load_peak_mb": round(peak_kb / 1024),
        "load_summary": summary,
    }


def reader_paths() -> dict[str, str]:
    from django.conf import settings
    from django.utils import timezone

    from broadsheet.demo.bulk import ARCHIVE_PREFIX
    from broadsheet.newsroom.models import ArticlePage

    article = ArticlePage.objects.get(
        slug__startswith=f"{ARCHIVE_PREFIX}{ARTICLE_NUMBER:06d}-"
    )
    author = article.article_authors.select_related("author").first().author
    tag = article.tags.order_by("pk").first()
    month = timezone.localtime(article.first_published_at)  # as the sitemaps split
    deepest = settings.LISTING_MAX_PAGES
    return {
        "home": "/",
        "article": article.url,
        "section": article.section.url,
        "tag": f"/tags/{tag.slug}/",
        "author": f"/authors/{author.slug}/",
        "latest, first page": "/latest/",
        f"latest, page {deepest}": f"/latest/?page={deepest}",
        "site feed": "/feed.xml",
        "sitemap index": "/sitemap.xml",
        "sitemap page": f"/sitemap-articles-{month:%Y-%m}.xml",
        "llms.txt": "/llms.txt",
        "Markdown twin": f"/{article.slug}.md",
    }


def admin_paths() -> dict[str, str]:
    from broadsheet.newsroom.models import HomePage

    home = HomePage.objects.get().pk
    return {
        "page listing (the articles' parent)": f"/admin/pages/{home}/",
        "page chooser": f"/admin/choose-page/{home}/",
        "author chooser (snippet)": "/admin/snippets/choose/newsroom/author/",
        "tag chooser": "/admin/tag-autocomplete/?term=a",
        "comment moderation queue": "/admin/comments/",
    }


def measure(client, paths: dict[str, str], runs: int) -> dict:
    from django.db import connection

    found = {}
    for name, path in paths.items():
        captured = []

        def counted(execute, sql, params, many, context, captured=captured):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = client.get(path)  # the first since the load: cold
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        found[name] = {
            "path": path,
            "queries": len(captured),
            "median": round(statistics.median(times), 1),
            "p95": round(percentile(times, 0.95), 1),
        }
        print(
            f"  {name:38} {found[name]['median']:8.1f} ms"
            f" (p95 {found[name]['p95']:.1f}), {len(captured)} queries",
            flush=True,
        )
    return found


def size_run(size: int, options) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from broadsheet.comments.models import Comment
    from broadsheet.newsroom.models import ArticlePage

    print(f"== {size:,} articles", flush=True)
    result = load(size)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    result["articles"] = ArticlePage.objects.count()
    result["comments"] = Comment.objects.count()
    result["pages"] = measure(Client(), reader_paths(), options.runs)
    admin = get_user_model().objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    result["admin"] = measure(client, admin_paths(), options.admin_runs)
    return result


def write(runs: dict[int, dict], options, path: Path) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    sizes = list(runs)
    smallest, largest = sizes[0], sizes[-1]
    head = " | ".join(f"{size:,}" for size in sizes)
    rule = " | ".join("---:" for _ in sizes)
    lines = [
        MARKER,
        "## Archive scale",
        "",
        "Measured by `make bench-archive` (`bench/archive_scale.py`):",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC,"
        f" {os.cpu_count()} cores, Python {platform.python_version()},"
        f" PostgreSQL {postgres}. Each size is the demo plus a synthetic archive"
        f" loaded in bulk with {COMMENTS_PER_ARTICLE} comments an article, then"
        " vacuumed and analysed. Pages are rendered through Django (no page"
        f" cache), once to warm up and then {options.runs} times; admin pages"
        f" {options.admin_runs} times, logged in as an administrator.",
        "",
        f"| loading | {head} |",
        f"| --- | {rule} |",
        "| articles, comments | "
        + " | ".join(f"{r['articles']:,}, {r['comments']:,}" for r in runs.values())
        + " |",
        "| load time from the size before (s) | "
        + " | ".join(str(r["load_seconds"]) for r in runs.values())
        + " |",
        "| peak memory of the loader so far (MB) | "
        + " | ".join(str(r["load_peak_mb"]) for r in runs.values())
        + " |",
        "",
        f"Reader pages: median / p95 in ms, and queries. The last column is the"
        f" median at {largest:,} over the median at {smallest:,}"
        " (the goal: at most 1.5).",
        "",
        f"| page | {head} | queries | ratio |",
        f"| --- | {rule} | ---: | ---: |",
    ]
    for kind, title in (("pages", None), ("admin", "Admin pages (goal: under 1 s)")):
        if title:
            lines += ["", title + ":", "", f"| page | {head} | queries |"]
            lines.append(f"| --- | {rule} | ---: |")
        for name in runs[smallest][kind]:
            cells = [
                f"{r[kind][name]['median']} / {r[kind][name]['p95']}"
                for r in runs.values()
            ]
            counts = sorted({r[kind][name]["queries"] for r in runs.values()})
            queries = ", ".join(map(str, counts))
            if len(counts) > 1:
                queries += " (not equal)"
            row = f"| {name} | {' | '.join(cells)} | {queries} |"
            if kind == "pages":
                first = runs[smallest][kind][name]["median"]
                last = runs[largest][kind][name]["median"]
                row += f" {last / first:.2f} |"
            lines.append(row)
    replace_section(path, MARKER, lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--admin-runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the database")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    options = parser.parse_args()
    use_database(
        DATABASE, "bench-archive", keep=options.keep, BROADSHEET_PAGE_CACHE="off"
    )
    subprocess.run(
        [sys.executable, "-m", "broadsheet", "demo", "--no-serve"],
        env=os.environ, check=True, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    runs = {}
    for size in sorted(int(s) for s in options.sizes.split(",")):
        runs[size] = size_run(size, options)
        write(runs, options, Path(options.output))  # after each size: kept if cut
    return 0


if __name__ == "__main__":
    sys.exit(main())
