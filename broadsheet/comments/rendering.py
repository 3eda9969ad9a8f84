"""Comment text: a small Markdown subset rendered with markdown-it-py, then nh3.

Raw HTML is off in the parser, and nh3 allows only the tags the subset can
produce, so whatever a parser bug let through is still removed.
"""

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_LINK = re.compile(r"<a\b", re.IGNORECASE)


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"breaks": True, "html": False})
    md.enable(
        [
            "emphasis",
            "backticks",
            "blockquote",
            "list",
            "fence",
            "link",
            "autolink",
            "escape",
            "newline",
        ]
    )
    # Links only to web and mail addresses; markdown-it's own check already
    # refuses javascript:, vbscript:, file: and most data: URLs.
    md.validateLink = lambda url: url.split(":", 1)[0].lower() in URL_SCHEMES
    return md


_MD = _parser()


def render_comment(text: str) -> str:
    """Return safe HTML for a comment's Markdown."""
    return _sanitise(_MD.render(text))


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def clean_imported_html(html: str) -> str:
    """Return safe HTML for a comment written on another platform (an import).

    Such comments are HTML, often with bare line breaks for paragraphs (as
    WordPress stores them); they keep what our own comments may show.
    """
    html = html.strip()
    if not re.search(r"<(p|ul|ol|blockquote|pre)\b", html, re.IGNORECASE):
        paragraphs = (part.strip() for part in re.split(r"\n\s*\n", html))
        html = "".join(
            "<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs if part
        )
    return _sanitise(html)


# Deeper than this, markdown-it stops parsing and drops the rest of the text
# (its maxNesting); refusing is kinder than publishing half a comment.
MAX_NESTING_LEVEL = 12


def too_deeply_nested(text: str) -> bool:
    return (
        max((token.level for token in _MD.parse(text)), default=0) >= MAX_NESTING_LEVEL
    )


def count_links(html: str) -> int:
    return len(_LINK.findall(html))
