"""Ghost's stored bodies → HTML, for the shared converter (bodies.py).

Ghost 5 and 6 store a post as Lexical JSON, Ghost 4 (and older posts) as
Mobiledoc JSON; both are documents of sections and "cards". Each becomes the
HTML it stands for. A card Broadsheet has no block for is kept as its text,
and its name is returned in the notes.
"""

import json
from html import escape

from markdown_it import MarkdownIt

# Lexical's text format bits, in the order tags are opened.
_FORMATS = (
    (16, "code"),
    (1, "strong"),
    (2, "em"),
    (8, "u"),
    (4, "s"),
    (32, "sub"),
    (64, "sup"),
)
_MARKDOWN = MarkdownIt("commonmark")
# A card's bookkeeping, not its words.
_STRUCTURE_KEYS = {"type", "version", "format", "direction", "cardWidth", "style"}


def _attr(value) -> str:
    return escape(str(value or ""), quote=True)


def _text(value) -> str:
    return escape(str(value or ""), quote=False)


def card_html(name: str, payload: dict, notes: list[str]) -> str:
    """One card (the same in Lexical and Mobiledoc) as HTML."""
    payload = payload or {}
    caption = payload.get("caption") or ""
    if name == "image":
        src, alt = _attr(payload.get("src")), _attr(payload.get("alt"))
        return (
            f'<figure><img src="{src}" alt="{alt}">'
            + (f"<figcaption>{caption}</figcaption>" if caption else "")
            + "</figure>"
        )
    if name == "gallery":
        return "".join(
            card_html("image", image, notes) for image in payload.get("images") or []
        )
    if name in ("hr", "horizontalrule"):
        return "<hr>"
    if name in ("code", "codeblock"):
        language = payload.get("language") or ""
        css = f' class="language-{_attr(language)}"' if language else ""
        return f"<pre><code{css}>{_text(payload.get('code'))}</code></pre>"
    if name in ("markdown", "card-markdown"):
        return _MARKDOWN.render(payload.get("markdown") or "")
    if name == "html":
        return payload.get("html") or ""
    if name == "embed":
        url = payload.get("url") or ""
        return (
            f'<figure class="wp-block-embed"><a href="{_attr(url)}">{_text(url)}</a>'
            + (f"<figcaption>{caption}</figcaption>" if caption else "")
            + "</figure>"
        )
    if name == "bookmark":
        meta = payload.get("metadata") or {}
        label = meta.get("title") or payload.get("url") or ""
        return f'<p><a href="{_attr(payload.get("url"))}">{_text(label)}</a></p>'
    if name == "callout":
        return f"<p>{payload.get('calloutText') or ''}</p>"
    if name == "toggle":
        heading = _text(payload.get("heading"))
        return f"<h3>{heading}</h3><p>{payload.get('content') or ''}</p>"
    if name == "button":
        url, label = _attr(payload.get("buttonUrl")), _text(payload.get("buttonText"))
        return f'<p><a href="{url}">{label}</a></p>'
    if name in ("paywall", "email-cta", "email", "signup", "preview"):
        notes.append(
            f"Ghost card “{name}” (membership or email only): left out of the body."
        )
        return ""
    notes.append(f"Ghost card “{name}”: kept as its text.")
    words = [
        str(value).strip()
        for key, value in payload.items()
        if isinstance(value, str) and value.strip() and key not in _STRUCTURE_KEYS
    ]
    src = payload.get("src")
    if src:
        return (
            f'<p><a href="{_attr(src)}">{_text(payload.get("fileName") or src)}</a></p>'
        )
    return f"<p>{' — '.join(_text(word) for word in words)}</p>" if words else ""


# -- Lexical ------------------------------------------------------------------
def lexical_to_html(document: str, notes: list[str]) -> str:
    try:
        root = json.loads(document)["root"]
    except (ValueError, KeyError, TypeError) as error:
        notes.append(f"The Lexical body could not be read ({error}).")
        return ""
    return "".join(_lexical(node, notes) for node in root.get("children") or [])


def _lexical(node: dict, notes: list[str]) -> str:
    kind = node.get("type")
    inner = "".join(_lexical(child, notes) for child in node.get("children") or [])
    if kind == "text":
        text = _text(node.get("text"))
        fmt = node.get("format") or 0
        opened = [tag for bit, tag in _FORMATS if isinstance(fmt, int) and fmt & bit]
        return (
            "".join(f"<{t}>" for t in opened)
            + text
            + "".join(f"</{t}>" for t in reversed(opened))
        )
    if kind == "linebreak":
        return "<br>"
    if kind == "tab":
        return " "
    if kind in ("link", "autolink"):
        return f'<a href="{_attr(node.get("url"))}">{inner}</a>'
    if kind in ("paragraph", "extended-text"):
        return f"<p>{inner}</p>"
    if kind in ("heading", "extended-heading"):
        tag = (
            node.get("tag")
            if node.get("tag") in {f"h{i}" for i in range(1, 7)}
            else "h2"
        )
        return f"<{tag}>{inner}</{tag}>"
    if kind in ("quote", "extended-quote", "aside"):
        return f"<blockquote><p>{inner}</p></blockquote>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" else "ul"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "listitem":
        return f"<li>{inner}</li>"
    if kind in ("root",):
        return inner
    return card_html(kind or "unknown", node, notes)


# -- Mobiledoc ----------------------------------------------------------------
def mobiledoc_to_html(document: str, notes: list[str]) -> str:
    try:
        doc = json.loads(document)
        sections = doc.get("sections") or []
    except (ValueError, AttributeError) as error:
        notes.append(f"The Mobiledoc body could not be read ({error}).")
        return ""
    markups = doc.get("markups") or []
    cards = doc.get("cards") or []
    atoms = doc.get("atoms") or []
    out = []
    for section in sections:
        if not isinstance(section, list) or not section:
            continue
        kind = section[0]
        if kind == 1:  # markup section: [1, tag, markers]
            tag = str(section[1]).lower()
            tag = (
                tag
                if tag
                in {
                    "p",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "blockquote",
                    "aside",
                    "pull-quote",
                }
                else "p"
            )
            inner = _markers(section[2], markups, atoms)
            if tag in ("blockquote", "aside", "pull-quote"):
                out.append(f"<blockquote><p>{inner}</p></blockquote>")
            else:
                out.append(f"<{tag}>{inner}</{tag}>")
        elif kind == 2:  # image section: [2, src]
            out.append(card_html("image", {"src": section[1]}, notes))
        elif kind == 3:  # list: [3, "ul"|"ol", [markers, …]]
            tag = "ol" if str(section[1]).lower() == "ol" else "ul"
            items = "".join(
                f"<li>{_markers(item, markups, atoms)}</li>" for item in section[2]
            )
            out.append(f"<{tag}>{items}</{tag}>")
        elif kind == 10:  # card: [10, index]
            try:
                name, payload = cards[section[1]]
            except (IndexError, TypeError, ValueError):
                notes.append("A Mobiledoc card reference was broken.")
                continue
            out.append(card_html(name, payload, notes))
    return "".join(out)


def _markers(markers, markups, atoms) -> str:
    out, stack = [], []
    for marker in markers or []:
        try:
            kind, opens, closes, value = marker
        except (TypeError, ValueError):
            continue
        for index in opens:
            tag, attributes = (
                (markups[index] + [[]])[:2] if index < len(markups) else ("span", [])
            )
            tag = str(tag).lower()
            attrs = (
                dict(zip(attributes[::2], attributes[1::2], strict=False))
                if attributes
                else {}
            )
            href = f' href="{_attr(attrs.get("href"))}"' if tag == "a" else ""
            out.append(f"<{tag}{href}>")
            stack.append(tag)
        if kind == 1:  # an atom: its text
            try:
                value = atoms[value][1]
            except (IndexError, TypeError):
                value = ""
        out.append(_text(value))
        for _ in range(min(closes, len(stack))):
            out.append(f"</{stack.pop()}>")
    out.extend(f"</{tag}>" for tag in reversed(stack))
    return "".join(out)
