# ruff: noqa: E501 - rows of the export, one per line as in the file
"""A Ghost 5 JSON export built to the format Ghost writes, for the tests.

Posts in all three body formats (Lexical, Mobiledoc, HTML only), a draft, a
scheduled post, a members-only post, a page, an email-only post, an internal
tag, a primary tag matching a section here, tags differing only in case, an
author without an email, a feature image with alt text and caption, two
newsletters, and members with and without recorded consent.
"""

import json
from pathlib import Path

from PIL import Image

URL = "__GHOST_URL__"


def text(words, fmt=0):
    return {
        "type": "text",
        "text": words,
        "format": fmt,
        "detail": 0,
        "mode": "normal",
        "style": "",
        "version": 1,
    }


def paragraph(*children):
    return {
        "type": "paragraph",
        "children": list(children),
        "direction": "ltr",
        "format": "",
        "indent": 0,
        "version": 1,
    }


LEXICAL = {
    "root": {
        "type": "root",
        "children": [
            paragraph(
                text("Open model weights were downloaded "),
                text("two million", 1),
                text(" times in May."),
            ),
            {"type": "heading", "tag": "h2", "children": [text("Who downloads them")]},
            {"type": "quote", "children": [text("Researchers first, then hobbyists.")]},
            {
                "type": "list",
                "listType": "number",
                "children": [
                    {"type": "listitem", "children": [text("Universities")]},
                    {"type": "listitem", "children": [text("Start-ups")]},
                ],
            },
            {
                "type": "image",
                "src": f"{URL}/content/images/2026/05/weights.png",
                "alt": "A bar chart of downloads",
                "caption": "Downloads by month",
            },
            {"type": "codeblock", "code": "pip install weights", "language": "shell"},
            {"type": "horizontalrule"},
            {
                "type": "embed",
                "url": "https://vimeo.com/76979871",
                "embedType": "video",
                "caption": "The launch talk",
            },
            {
                "type": "product",
                "productTitle": "Model handbook",
                "productDescription": "A guide to running models",
            },
            {"type": "paywall"},
            paragraph(text("Members read on here.")),
            paragraph(
                {
                    "type": "link",
                    "url": "https://example.org/report",
                    "children": [text("The full report")],
                }
            ),
        ],
    }
}
MOBILEDOC = {
    "version": "0.3.1",
    "atoms": [],
    "cards": [
        ["hr", {}],
        [
            "markdown",
            {"markdown": "A **markdown** card with a [link](https://example.org)."},
        ],
    ],
    "markups": [["strong"], ["a", ["href", "https://example.org/labs"]]],
    "sections": [
        [
            1,
            "p",
            [
                [0, [], 0, "Lab funding rose in the spring, "],
                [0, [0], 1, "sharply"],
                [0, [], 0, "."],
            ],
        ],
        [1, "h3", [[0, [], 0, "Where it went"]]],
        [3, "ul", [[[0, [], 0, "Compute"]], [[0, [1], 1, "Staff"]]]],
        [10, 0],
        [10, 1],
        [1, "blockquote", [[0, [], 0, "Money follows results."]]],
    ],
}


def post(
    post_id,
    title,
    slug,
    *,
    status="published",
    body=None,
    body_kind="lexical",
    kind="post",
    visibility="public",
    published="2026-05-10T09:00:00.000Z",
    excerpt=None,
    feature=None,
):
    row = {
        "id": post_id,
        "uuid": f"uuid-{post_id}",
        "title": title,
        "slug": slug,
        "mobiledoc": None,
        "lexical": None,
        "html": None,
        "comment_id": post_id,
        "plaintext": "",
        "feature_image": feature,
        "featured": 0,
        "type": kind,
        "status": status,
        "locale": None,
        "visibility": visibility,
        "email_recipient_filter": "all",
        "created_at": "2026-05-01T08:00:00.000Z",
        "updated_at": "2026-05-10T09:00:00.000Z",
        "published_at": published,
        "custom_excerpt": excerpt,
        "codeinjection_head": None,
        "codeinjection_foot": None,
        "custom_template": None,
        "canonical_url": None,
        "newsletter_id": None,
        "show_title_and_feature_image": 1,
    }
    if body_kind == "html":
        row["html"] = body
    else:
        row[body_kind] = json.dumps(body)
    return row


def ghost_export(version="5.96.0") -> dict:
    posts = [
        post(
            "p1",
            "Open weights pass two million downloads",
            "open-weights",
            body=LEXICAL,
            excerpt="Researchers lead, hobbyists follow.",
            feature=f"{URL}/content/images/2026/05/cover.png",
        ),
        post(
            "p2",
            "Lab funding rose in the spring",
            "lab-funding",
            body=MOBILEDOC,
            body_kind="mobiledoc",
            published="2025-03-02T10:00:00.000Z",
        ),
        post(
            "p3",
            "Old HTML post",
            "html-post",
            body_kind="html",
            body='<p>Plain <em>HTML</em> body.</p><figure class="kg-card kg-embed-card"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></figure>',
        ),
        post(
            "p4",
            "Draft on chips",
            "chips-draft",
            status="draft",
            body=LEXICAL,
            published=None,
        ),
        post(
            "p5",
            "Scheduled: the summit",
            "summit",
            status="scheduled",
            body=LEXICAL,
            published="2026-12-01T09:00:00.000Z",
        ),
        post(
            "p6",
            "Members: the inside story",
            "inside-story",
            visibility="members",
            body=LEXICAL,
        ),
        post("p7", "About this site", "about", kind="page", body=LEXICAL),
        post("p8", "Only sent by email", "email-only", status="sent", body=LEXICAL),
        post(
            "p9",
            "Обзор открытых моделей",
            "обзор-моделей",
            body_kind="html",
            body="<p>Кратко.</p>",
        ),
    ]
    data = {
        "posts": posts,
        "posts_meta": [
            {
                "id": "m1",
                "post_id": "p1",
                "feature_image_alt": "A data centre aisle",
                "feature_image_caption": "<span>Racks in a data centre</span>",
            }
        ],
        "users": [
            {
                "id": "u1",
                "name": "Noor Halvorsen",
                "slug": "noor",
                "email": "noor@ghost.example",
                "bio": "Covers open models.",
            },
            {"id": "u2", "name": "Desk", "slug": "desk", "email": "", "bio": None},
        ],
        "tags": [
            {
                "id": "t1",
                "name": "News",
                "slug": "news",
                "visibility": "public",
                "description": None,
            },
            {
                "id": "t2",
                "name": "Open Models",
                "slug": "open-models",
                "visibility": "public",
            },
            {
                "id": "t3",
                "name": "open models",
                "slug": "open-models-2",
                "visibility": "public",
            },
            {
                "id": "t4",
                "name": "#hidden",
                "slug": "hash-hidden",
                "visibility": "internal",
            },
            {"id": "t5", "name": "Funding", "slug": "funding", "visibility": "public"},
        ],
        "posts_tags": [
            {"id": "pt1", "post_id": "p1", "tag_id": "t1", "sort_order": 0},
            {"id": "pt2", "post_id": "p1", "tag_id": "t2", "sort_order": 1},
            {"id": "pt3", "post_id": "p1", "tag_id": "t3", "sort_order": 2},
            {"id": "pt4", "post_id": "p1", "tag_id": "t4", "sort_order": 3},
            {"id": "pt5", "post_id": "p2", "tag_id": "t5", "sort_order": 0},
        ],
        "posts_authors": [
            {"id": "pa1", "post_id": "p1", "author_id": "u1", "sort_order": 0},
            {"id": "pa2", "post_id": "p1", "author_id": "u2", "sort_order": 1},
            {"id": "pa3", "post_id": "p2", "author_id": "u2", "sort_order": 0},
        ],
        "newsletters": [
            {
                "id": "n1",
                "name": "Weekly Models",
                "slug": "weekly-models",
                "description": "Every Friday",
                "sender_name": "Noor",
                "status": "active",
            },
            {
                "id": "n2",
                "name": "Funding Alerts",
                "slug": "funding-alerts",
                "description": None,
                "status": "active",
            },
        ],
        "members": [
            {
                "id": "mem1",
                "email": "ana@readers.example",
                "name": "Ana",
                "status": "free",
                "created_at": "2026-01-01T00:00:00.000Z",
            },
            {
                "id": "mem2",
                "email": "bo@readers.example",
                "name": "Bo",
                "status": "free",
            },
            {"id": "mem3", "email": "not-an-address", "name": "Typo", "status": "free"},
        ],
        "members_newsletters": [
            {"id": "mn1", "member_id": "mem1", "newsletter_id": "n1"},
            {"id": "mn2", "member_id": "mem1", "newsletter_id": "n2"},
            {"id": "mn3", "member_id": "mem3", "newsletter_id": "n1"},
        ],
        "settings": [{"id": "s1", "key": "title", "value": "Model Watch"}],
    }
    return {
        "db": [
            {"meta": {"exported_on": 1780000000000, "version": version}, "data": data}
        ]
    }


def write_ghost(tmp_path: Path, **options) -> Path:
    path = tmp_path / "model-watch.ghost.2026-06-01.json"
    path.write_text(json.dumps(ghost_export(**options), indent=1), encoding="utf-8")
    return path


def write_content(tmp_path: Path) -> Path:
    """Ghost's content folder: content/images/… with the two images."""
    root = tmp_path / "content"
    for relative in ("2026/05/weights.png", "2026/05/cover.png"):
        target = root / "images" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (800, 450), "#335577").save(target, format="PNG")
    return root
