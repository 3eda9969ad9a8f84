# ruff: noqa: E501 - rows of the export, one per line as in the file
"""A Substack export zip built to the format Substack writes, for the tests."""

import csv
import io
import zipfile
from pathlib import Path

POSTS = [
    # post_id, post_date, is_published, type, audience, title, subtitle
    (
        "1001.inference-costs-fall",
        "2026-04-02T07:00:00.000Z",
        "true",
        "newsletter",
        "everyone",
        "Inference costs fall again",
        "A price cut across three providers.",
    ),
    (
        "1002.paid-deep-dive",
        "2026-04-09T07:00:00.000Z",
        "true",
        "newsletter",
        "only_paid",
        "Deep dive: the cost curve",
        "For paying readers.",
    ),
    ("1003.unfinished", "", "false", "newsletter", "everyone", "Unfinished draft", ""),
    (
        "1004.weekly-thread",
        "2026-04-10T07:00:00.000Z",
        "true",
        "thread",
        "everyone",
        "Open thread",
        "",
    ),
    (
        "1005.no-file",
        "2026-04-11T07:00:00.000Z",
        "true",
        "newsletter",
        "everyone",
        "Lost body",
        "",
    ),
]
BODIES = {
    "1001.inference-costs-fall": (
        "<p>Three providers cut prices for <strong>hosted inference</strong> this week.</p>"
        "<h2>What changed</h2><blockquote><p>Prices will keep falling.</p></blockquote>"
        '<div class="captioned-image-container"><figure><img src="https://substackcdn.com/image/fetch/cost.png" alt="A falling line">'
        "<figcaption>Price per million tokens</figcaption></figure></div>"
        '<div class="youtube-wrap"><iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe></div>'
        "<pre><code>cost = tokens * price</code></pre><hr><p>See you next week.</p>"
    ),
    "1002.paid-deep-dive": "<p>The long version.</p>",
    "1003.unfinished": "<p>Notes.</p>",
    "1004.weekly-thread": "<p>Talk here.</p>",
}
EMAILS = [
    # email, active_subscription, expiry, plan, email_disabled, created_at
    ("kit@readers.example", "true", "", "free", "false", "2025-01-01T00:00:00.000Z"),
    ("lee@readers.example", "true", "", "paid", "false", "2025-02-01T00:00:00.000Z"),
    ("mo@readers.example", "false", "", "free", "true", "2025-03-01T00:00:00.000Z"),
]


def _csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_substack(tmp_path: Path, *, extra: dict | None = None) -> Path:
    path = tmp_path / "costwatch-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "posts.csv",
            _csv(
                [
                    "post_id",
                    "post_date",
                    "is_published",
                    "email_sent_at",
                    "inbox_sent_at",
                    "type",
                    "audience",
                    "title",
                    "subtitle",
                    "podcast_url",
                ],
                [
                    (p[0], p[1], p[2], p[1], p[1], p[3], p[4], p[5], p[6], "")
                    for p in POSTS
                ],
            ),
        )
        for post_id, body in BODIES.items():
            archive.writestr(f"posts/{post_id}.html", body)
        archive.writestr(
            "email_list.costwatch.csv",
            _csv(
                [
                    "email",
                    "active_subscription",
                    "expiry",
                    "plan",
                    "email_disabled",
                    "created_at",
                    "first_payment_at",
                ],
                [(*row, "") for row in EMAILS],
            ),
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path
