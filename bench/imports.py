"""Import benchmark: a synthetic WordPress export of N posts, with an image
each and five comments a post, imported into a fresh site in a child process.

    make bench-imports                     # 2,000 and 20,000 posts, then 500 MB
    python bench/imports.py --sizes 500 --big-mb 0   # a quick check

For each size: time, posts and items (posts + comments) per second, and the
importer's resident memory over the run (peak and at each quarter), so the
two sizes show whether memory grows with the file. Then a dry run over an
export of about 500 MB (long bodies) shows that reading is streamed. The
text is made up here: sentences assembled from neutral phrases. The figures
replace the imports section of docs/performance.md.
"""

import argparse
import datetime
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
START, END = "<!-- imports benchmark -->", "<!-- /imports benchmark -->"
BEFORE = "<!-- newsletter benchmark -->"  # the newsletter section stays last
SITE = "https://archive.example"

SUBJECTS = (
    "The chip consortium", "A cloud provider", "The standards body", "A robotics lab",
    "The open-source foundation", "A battery maker", "The data centre operator",
    "A university team", "The telecoms regulator", "A model developer",
)  # fmt: skip
VERBS = (
    "published figures on", "changed its plans for", "opened a consultation on",
    "reported progress with", "delayed its work on", "doubled spending on",
)  # fmt: skip
OBJECTS = (
    "energy use in training runs", "memory supply for accelerators",
    "safety labels for service robots", "latency on edge networks",
    "open weights for small models", "recycling of server hardware",
    "the cost of inference", "wafer yields at new plants",
)  # fmt: skip
CATEGORIES = ["industry", "research", "policy", "hardware", "software", "climate",
              "security", "science"]  # fmt: skip
TAGS = [f"topic-{n}" for n in range(200)]
AUTHORS = [f"writer{n}" for n in range(20)]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
        f"according to a statement issued on day {rng.randint(1, 28)}."
    )


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def header() -> str:
    authors = "".join(
        f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login><![CDATA[{login}]]>"
        f"</wp:author_login><wp:author_email><![CDATA[{login}@archive.example]]>"
        f"</wp:author_email><wp:author_display_name><![CDATA[Writer {n}]]>"
        "</wp:author_display_name></wp:author>\n"
        for n, login in enumerate(AUTHORS)
    )
    categories = "".join(
        f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}"
        f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
        f"<wp:cat_name><![CDATA[{slug.title()}]]></wp:cat_name></wp:category>\n"
        for n, slug in enumerate(CATEGORIES)
    )
    tags = "".join(
        f"<wp:tag><wp:term_id>{100 + n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
        f"<wp:tag_name><![CDATA[Topic {n}]]></wp:tag_name></wp:tag>\n"
        for n, slug in enumerate(TAGS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        f"<title>The Archive</title><link>{SITE}</link>\n"
        f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}"
        f"</wp:base_site_url>\n{authors}{categories}{tags}"
    )


def post_item(number: int, rng: random.Random, body_paragraphs: int) -> str:
    day = datetime.date(2016, 1, 1) + datetime.timedelta(days=number % 3650)
    date = f"{day:%Y-%m-%d} {number % 24:02d}:{number % 60:02d}:00"
    slug = f"story-{number}"
    image = f"{SITE}/wp-content/uploads/{day:%Y/%m}/picture-{number}.png"
    body = [f"<!-- wp:paragraph --><p>{paragraph(rng)}</p><!-- /wp:paragraph -->"]
    body.append(f"<!-- wp:heading --><h2>Part {number}</h2><!-- /wp:heading -->")
    body.append(
        f'<figure class="wp-block-image"><img src="{image}" alt="Chart {number}"/>'
        f"<figcaption>Figure for story {number}</figcaption></figure>"
    )
    body.append(
        f"<blockquote><p>{sentence(rng)}</p><cite>An analyst</cite></blockquote>"
    )
    body += [f"<p>{paragraph(rng)}</p>" for _ in range(body_paragraphs)]
    comments = []
    for c in range(5):
        cid = number * 10 + c
        parent = 0 if c in (0, 3) else number * 10 + c - 1
        comments.append(
            f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>"
            f"<![CDATA[Reader {c}]]></wp:comment_author><wp:comment_date_gmt>{date}"
            f"</wp:comment_date_gmt><wp:comment_content><![CDATA[{sentence(rng)}]]>"
            "</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
            f"<wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent}"
            "</wp:comment_parent></wp:comment>"
        )
    terms = (
        f'<category domain="category" nicename="{CATEGORIES[number % 8]}">x</category>'
    )
    terms += "".join(
        f'<category domain="post_tag" nicename="{TAGS[(number * k) % 200]}">'
        "x</category>"
        for k in (1, 7, 13)
    )
    attachment = (
        f"<item><title>picture {number}</title><wp:post_id>{1_000_000 + number}"
        f"</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit"
        f"</wp:status><wp:attachment_url>{image}</wp:attachment_url></item>\n"
    )
    return attachment + (
        f"<item><title>{escape(sentence(rng)[:90])}</title><link>{SITE}/{day:%Y/%m}/"
        f"{slug}/</link><dc:creator>{AUTHORS[number % 20]}</dc:creator>"
        f"<content:encoded><![CDATA[{''.join(body)}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>"
        f"<wp:post_id>{number}</wp:post_id><wp:post_date_gmt>{date}</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>{terms}<wp:postmeta><wp:meta_key>"
        f"_thumbnail_id</wp:meta_key><wp:meta_value>{1_000_000 + number}"
        f"</wp:meta_value></wp:postmeta>{''.join(comments)}</item>\n"
    )


def write_export(path: Path, posts: int, *, body_paragraphs=3, uploads=None) -> int:
    rng = random.Random(posts)
    with open(path, "w", encoding="utf-8") as out:
        out.write(header())
        for number in range(1, posts + 1):
            out.write(post_item(number, rng, body_paragraphs))
        out.write("</channel>\n</rss>\n")
    if uploads is not None:
        for number in range(1, posts + 1):
            day = datetime.date(2016, 1, 1) + datetime.timedelta(days=number % 3650)
            target = uploads / f"{day:%Y/%m}" / f"picture-{number}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            colour = (number * 37 % 256, number * 91 % 256, number * 13 % 256)
            Image.new("RGB", (48, 32), colour).save(target, format="PNG")
    return path.stat().st_size


def child_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BROADSHEET_DATA_DIR"] = str(data_dir)
    return env


def status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found[1]) if found else 0


def measured(command: list[str], env: dict) -> dict:
    """Run ``command``; its time and resident memory, sampled twice a second."""
    started = time.monotonic()
    # The report goes to a file: a pipe nobody reads until the end would fill
    # up and stop the importer (a long report is hundreds of KB).
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.DEVNULL, text=True
    )
    samples, peak = [], 0
    while process.poll() is None:
        samples.append((time.monotonic() - started, status_kb(process.pid, "VmRSS")))
        peak = max(peak, status_kb(process.pid, "VmHWM"))
        time.sleep(0.5)
    log.seek(0)
    output = log.read()
    log.close()
    seconds = time.monotonic() - started
    if process.returncode:
        raise SystemExit(f"{command} failed:\n{output[-2000:]}")

    def at(fraction: float) -> float:
        moment = seconds * fraction
        rss = [kb for when, kb in samples if when <= moment and kb]
        return round(rss[-1] / 1024) if rss else 0

    return {
        "seconds": seconds,
        "peak_mb": round(peak / 1024),
        "quarters": [at(q) for q in (0.25, 0.5, 0.75, 1.0)],
        "output": output,
    }


def bench_size(posts: int, work: Path) -> dict:
    data, uploads = work / f"data-{posts}", work / f"uploads-{posts}"
    export = work / f"export-{posts}.xml"
    print(f"== {posts:,} posts: writing the export", flush=True)
    size = write_export(export, posts, uploads=uploads)
    env = child_env(data)
    subprocess.run(
        [sys.executable, "-m", "broadsheet", "migrate", "-v0"], env=env, check=True
    )
    print(f"   importing ({size / 2**20:.0f} MB)", flush=True)
    report = work / f"report-{posts}.txt"
    run = measured(
        [sys.executable, "-m", "broadsheet", "import", "wordpress", str(export),
         "--uploads", str(uploads), "--report", str(report)],
        env,
    )  # fmt: skip
    text = report.read_text()
    counts = {
        kind: int(re.search(rf"^  {kind}: (\d+) created", text, re.MULTILINE)[1])
        for kind in ("article", "comment", "image", "redirect")
    }
    run.pop("output")
    return {"posts": posts, "mb": size / 2**20, "counts": counts, **run}


def bench_dry_run(target_mb: int, work: Path) -> dict:
    """A dry run over an export of about ``target_mb`` (long bodies)."""
    posts = 4000
    paragraphs = max(3, int(target_mb * 2**20 / posts / 520))
    export = work / f"export-{target_mb}mb.xml"
    print(f"== dry run over about {target_mb} MB", flush=True)
    size = write_export(export, posts, body_paragraphs=paragraphs)
    data = work / "data-dry"
    env = child_env(data)
    subprocess.run(
        [sys.executable, "-m", "broadsheet", "migrate", "-v0"], env=env, check=True
    )
    run = measured(
        [sys.executable, "-m", "broadsheet", "import", "wordpress", str(export),
         "--dry-run", "--report", str(work / "report-dry.txt")],
        env,
    )  # fmt: skip
    run.pop("output")
    return {"posts": posts, "mb": size / 2**20, **run}


def write(results: list[dict], dry: dict | None, path: Path) -> None:
    lines = [
        START,
        "## Imports",
        "",
        "Measured by `make bench-imports` (`bench/imports.py`):",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC,"
        f" {os.cpu_count()} cores, Python {platform.python_version()}, SQLite (WAL),"
        " one process (`broadsheet import wordpress`), into a fresh site.",
        "Each synthetic post has a featured image (its own PNG in an uploads",
        "folder, also shown in the body), a heading, a quote, four paragraphs, a",
        "section, three tags, one of 20 authors and five comments in threads.",
        "Memory is the importer's resident size, sampled twice a second.",
        "",
        "| posts | export | time | posts/s | items/s (posts + comments) "
        "| articles / comments / images / redirects | peak memory "
        "| memory at ¼ · ½ · ¾ · end |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        c = r["counts"]
        items = c["article"] + c["comment"]
        lines.append(
            f"| {r['posts']:,} | {r['mb']:.0f} MB | {r['seconds']:.0f} s "
            f"| {c['article'] / r['seconds']:.1f} | {items / r['seconds']:.1f} "
            f"| {c['article']:,} / {c['comment']:,} / {c['image']:,} / "
            f"{c['redirect']:,} | {r['peak_mb']} MB "
            f"| {' · '.join(f'{q} MB' for q in r['quarters'])} |"
        )
    if dry:
        lines += [
            "",
            f"A dry run (reads and converts everything, writes nothing) over an "
            f"export of {dry['mb']:.0f} MB ({dry['posts']:,} posts with long bodies): "
            f"{dry['seconds']:.0f} s, {dry['mb'] / dry['seconds']:.1f} MB/s, peak "
            f"memory {dry['peak_mb']} MB (at ¼ · ½ · ¾ · end: "
            f"{' · '.join(f'{q} MB' for q in dry['quarters'])}).",
        ]
    lines += [
        "",
        "Target (issue 16): memory flat as the file grows (compare the rows).",
        END,
        "",
    ]
    old = path.read_text() if path.exists() else ""
    section = "\n".join(lines)
    if START in old:
        head, rest = old.split(START, 1)
        tail = rest.split(END, 1)[1].lstrip("\n") if END in rest else ""
        new = head + section + tail
    elif BEFORE in old:
        head, tail = old.split(BEFORE, 1)
        new = head + section + "\n" + BEFORE + tail
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--big-mb", type=int, default=500)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-imports"))
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    options = parser.parse_args()
    work = Path(options.work)
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    results = []
    for size in (int(n) for n in options.sizes.split(",")):
        results.append(bench_size(size, work))
        print(dict(results[-1].items()), flush=True)
    dry = bench_dry_run(options.big_mb, work) if options.big_mb else None
    if dry:
        print(dry, flush=True)
    write(results, dry, Path(options.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
