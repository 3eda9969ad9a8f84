"""HTML from another platform → an article body's StreamField blocks.

Every source (WordPress, Ghost, Substack) ends up as HTML, so one converter
serves all three. The HTML is sanitised with nh3 first; then a small tree is
walked and each part becomes the block that shows it best. What has no block
of its own (a table, an unknown frame, a long heading) is kept as a paragraph
of its text and named in ``notes``, never dropped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from broadsheet.newsroom.embeds import resolve_embed

# (src, alt) → the id of an imported Wagtail image, or None if not available.
ImageFinder = Callable[[str, str], int | None]

ALLOWED_TAGS = {
    *"p br a b strong i em u s del ins sup sub code kbd pre blockquote cite q".split(),
    *"figure figcaption img h1 h2 h3 h4 h5 h6 ul ol li hr iframe small span".split(),
    *"table thead tbody tfoot tr th td caption div section article header".split(),
    *"footer aside main details summary dl dt dd mark abbr time".split(),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "title"},
    "iframe": {"src"},
    "pre": {"class"},
    "code": {"class"},
    "figure": {"class"},
    "blockquote": {"class"},
    "div": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Gutenberg blocks whose HTML this converter understands (or that are only layout).
KNOWN_GUTENBERG = {
    *"paragraph heading image quote pullquote list list-item code preformatted".split(),
    *"separator embed html group columns column more nextpage spacer verse".split(),
    *"freeform shortcode media-text cover".split(),
}
# WordPress shortcodes handled below; any other is reported and kept as text.
_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\]")
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_EMBED_SHORTCODE = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.IGNORECASE)
_GUTENBERG = re.compile(r"<!--\s+wp:([a-z0-9/-]+)")
_BLOCK_TAG = re.compile(
    r"<(p|div|h[1-6]|ul|ol|blockquote|pre|figure|table|hr|section)\b", re.IGNORECASE
)
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#-]{1,40})")
_VOID = {"br", "hr", "img"}
_INLINE_MAP = {"b": "b", "strong": "b", "i": "i", "em": "i", "sup": "sup", "sub": "sub"}
_BLOCK_TAGS = {
    *"p h1 h2 h3 h4 h5 h6 ul ol blockquote pre figure table hr div section".split(),
    *"article header footer aside main details dl iframe img".split(),
}
HEADING_LIMIT, QUOTE_LIMIT, CAPTION_LIMIT, CREDIT_LIMIT, ALT_LIMIT = (
    120,
    800,
    300,
    120,
    250,
)


@dataclass
class Conversion:
    blocks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def text(self) -> str:
        return "".join(
            child if isinstance(child, str) else child.text() for child in self.children
        )

    def find(self, tag: str):
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    return child
                found = child.find(tag)
                if found is not None:
                    return found
        return None

    def find_all(self, tag: str):
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    yield child
                yield from child.find_all(tag)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(
            Node(tag, {name: value or "" for name, value in attrs})
        )

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def html_to_blocks(
    html: str, *, image_for: ImageFinder, blank_line_paragraphs: bool = False
) -> Conversion:
    """Convert a post's HTML into body blocks, noting what could not be kept.

    ``blank_line_paragraphs``: the text's blank lines separate paragraphs, as
    in WordPress's classic editor, which stores no <p> (it adds them when it
    shows a post).
    """
    result = Conversion()
    for name in sorted(set(_GUTENBERG.findall(html))):
        if name.removeprefix("core/") not in KNOWN_GUTENBERG and not name.startswith(
            ("core-embed/", "embed")
        ):
            result.note(f"Gutenberg block “{name}”: kept as its text.")
    html = _expand_shortcodes(html, result)
    if blank_line_paragraphs:
        html = autop(html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
        link_rel=None,
    )
    builder = _TreeBuilder()
    builder.feed(clean)
    builder.close()
    _Walker(result, image_for).walk(builder.root.children)
    return result


def autop(text: str) -> str:
    """Paragraphs from blank lines, as WordPress adds them when it shows a post."""
    text = re.sub(r"(<figure\b.*?</figure>)", r"\n\n\1\n\n", text, flags=re.DOTALL)
    parts = (part.strip() for part in re.split(r"\n\s*\n", text))
    return "".join(
        part if _BLOCK_TAG.match(part) else "<p>" + part.replace("\n", "<br>") + "</p>"
        for part in parts
        if part
    )


def _expand_shortcodes(html: str, result: Conversion) -> str:
    html = _CAPTION.sub(_caption_figure, html)
    html = _EMBED_SHORTCODE.sub(lambda m: f"<p>{m.group(1).strip()}</p>", html)
    for closing, name, _args in _SHORTCODE.findall(html):
        if not closing:
            result.note(f"Shortcode [{name}]: kept as text.")
    return html


def _caption_figure(match: re.Match) -> str:
    inner = match.group(1)
    image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner, re.IGNORECASE)
    if not image:
        return inner
    caption = (inner[: image.start()] + inner[image.end() :]).strip()
    return f"<figure>{image.group(0)}<figcaption>{caption}</figcaption></figure>"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Walker:
    def __init__(self, result: Conversion, image_for: ImageFinder):
        self.result = result
        self.image_for = image_for
        self.inline: list = []

    # -- output -------------------------------------------------------------
    def add(self, kind: str, value) -> None:
        self.result.blocks.append({"type": kind, "value": value})

    def paragraph(self, inner_html: str) -> None:
        if re.sub(r"<[^>]+>|\s|&nbsp;", "", inner_html):
            self.add("paragraph", f"<p>{inner_html.strip()}</p>")

    def flush(self) -> None:
        if self.inline:
            nodes, self.inline = self.inline, []
            self.paragraph_from(nodes)

    def paragraph_from(self, nodes) -> None:
        """A paragraph of inline content; images inside it follow it."""
        images: list[Node] = []
        html = self.rich_text(nodes, images)
        text = re.sub(r"<[^>]+>", "", html).strip()
        if not images and _is_url(text) and resolve_embed(text).frame_url:
            self.add("embed", {"url": text, "caption": ""})
            return
        self.paragraph(html)
        for image in images:
            self.image(image)

    # -- the walk -----------------------------------------------------------
    def walk(self, children) -> None:
        for child in children:
            if isinstance(child, str) or child.tag not in _BLOCK_TAGS:
                self.inline.append(child)
                continue
            self.flush()
            handler = getattr(self, f"on_{child.tag}", None)
            if handler:
                handler(child)
            else:
                self.walk(child.children)
        self.flush()

    def on_p(self, node: Node) -> None:
        self.paragraph_from(node.children)

    def on_h1(self, node: Node) -> None:
        self.heading(node, "h2")

    on_h2 = on_h1

    def on_h3(self, node: Node) -> None:
        self.heading(node, "h3")

    on_h4 = on_h5 = on_h6 = on_h3

    def heading(self, node: Node, level: str) -> None:
        text = " ".join(node.text().split())
        if not text:
            return
        if len(text) > HEADING_LIMIT:
            self.result.note(
                f"A heading over {HEADING_LIMIT} characters became a bold paragraph."
            )
            self.paragraph(f"<b>{escape(text, quote=False)}</b>")
        else:
            self.add("subheading", {"level": level, "text": text})

    def on_hr(self, node: Node) -> None:
        self.add("divider", None)

    def on_pre(self, node: Node) -> None:
        code = node.text().strip("\n")
        if not code.strip():
            return
        classes = " ".join(
            filter(None, [node.attrs.get("class", "")] + _classes_of(node, "code"))
        )
        language = _LANGUAGE.search(classes)
        self.add(
            "code", {"language": language.group(1) if language else "", "code": code}
        )

    def on_ul(self, node: Node) -> None:
        html = self.list_html(node)
        if html:
            self.add("paragraph", html)

    on_ol = on_ul

    def list_html(self, node: Node) -> str:
        items = []
        for item in node.children:
            if not isinstance(item, Node) or item.tag != "li":
                continue
            inline = [c for c in item.children if not _is_list(c)]
            nested = "".join(self.list_html(c) for c in item.children if _is_list(c))
            images: list[Node] = []
            content = self.rich_text(inline, images).strip()
            if images:
                self.result.note("An image inside a list item became a link.")
                content += "".join(_image_link(image) for image in images)
            if content or nested:
                items.append(f"<li>{content}{nested}</li>")
        tag = "ol" if node.tag == "ol" else "ul"
        return f"<{tag}>{''.join(items)}</{tag}>" if items else ""

    def on_blockquote(self, node: Node) -> None:
        if "twitter-tweet" in node.attrs.get("class", ""):
            links = [a.attrs.get("href", "") for a in node.find_all("a")]
            status = [url for url in links if resolve_embed(url).provider == "X"]
            if status:
                self.add("embed", {"url": status[-1], "caption": ""})
                return
        cite_nodes = [
            child
            for child in node.children
            if isinstance(child, Node) and child.tag in ("cite", "footer")
        ]
        for cite in cite_nodes:
            node.children.remove(cite)
        attribution = " ".join(" ".join(c.text().split()) for c in cite_nodes)
        attribution = attribution.lstrip("—–- ").strip()
        paragraphs = [p for p in _paragraph_texts(node) if p]
        quote = "\n\n".join(paragraphs)
        if not quote:
            return
        if len(quote) > QUOTE_LIMIT or len(attribution) > 160:
            self.result.note(
                f"A quotation over {QUOTE_LIMIT} characters became paragraphs."
            )
            for text in paragraphs:
                self.paragraph(f"<i>{escape(text, quote=False)}</i>")
            if attribution:
                self.paragraph(f"— {escape(attribution, quote=False)}")
            return
        self.add("quote", {"quote": quote, "attribution": attribution})

    def on_figure(self, node: Node) -> None:
        classes = node.attrs.get("class", "")
        images = list(node.find_all("img"))
        # Its own caption; a gallery's figures keep theirs.
        caption_node = next(
            (c for c in node.children if isinstance(c, Node) and c.tag == "figcaption"),
            node.find("figcaption") if len(images) <= 1 else None,
        )
        caption = " ".join(caption_node.text().split()) if caption_node else ""
        if caption_node is not None:
            _remove(node, caption_node)
        if "wp-block-embed" in classes or node.find("iframe") is not None:
            url = _first_url(node)
            if url:
                self.embed(url, caption)
                return
        if len(images) == 1 and node.find("blockquote") is None:
            self.image(images[0], caption=caption)
            return
        self.walk(node.children)
        if caption:
            self.paragraph(f"<i>{escape(caption, quote=False)}</i>")

    def on_img(self, node: Node) -> None:
        self.image(node)

    def on_iframe(self, node: Node) -> None:
        self.embed(_watch_url(node.attrs.get("src", "")), "")

    def on_table(self, node: Node) -> None:
        self.result.note("A table was kept as text, one paragraph per row.")
        for row in node.find_all("tr"):
            cells = [
                " ".join(cell.text().split())
                for cell in row.children
                if isinstance(cell, Node) and cell.tag in ("td", "th")
            ]
            self.paragraph(escape(" | ".join(filter(None, cells)), quote=False))

    # -- pieces -------------------------------------------------------------
    def embed(self, url: str, caption: str) -> None:
        url = _watch_url(url)
        if _is_url(url) and resolve_embed(url).frame_url:
            self.add("embed", {"url": url, "caption": _clip(caption, CAPTION_LIMIT)})
            return
        host = urlsplit(url).hostname or "an unknown site"
        self.result.note(f"An embed from {host} became a link.")
        label = escape(caption or url, quote=False)
        if _is_url(url):
            self.paragraph(f'<a href="{escape(url)}">{label}</a>')
        else:
            self.paragraph(label)

    def image(self, node: Node, *, caption: str = "") -> None:
        src = node.attrs.get("src", "")
        alt = _clip(node.attrs.get("alt", ""), ALT_LIMIT)
        image_id = self.image_for(src, alt) if src else None
        if image_id is None:
            # The finder reports the missing file; the reader keeps a link.
            self.paragraph(_image_link(node, caption))
            return
        credit = ""
        match = re.match(
            r"^(.*?)\s*(?:\(|—|–|-)\s*((?:Photo|Image|Credit|Illustration)\b.*?)\)?$",
            caption,
        )
        if match and match.group(2):
            caption, credit = match.group(1), match.group(2)
        self.add(
            "image",
            {
                "image": image_id,
                "alt": alt,
                "caption": _clip(caption, CAPTION_LIMIT),
                "credit": _clip(credit, CREDIT_LIMIT),
            },
        )

    def rich_text(self, nodes, images: list) -> str:
        """Inline content as Wagtail rich text; images are set aside."""
        out = []
        for node in nodes:
            if isinstance(node, str):
                out.append(escape(node, quote=False))
            elif node.tag == "img":
                images.append(node)
            elif node.tag == "br":
                out.append("<br/>")
            elif node.tag == "a":
                href = node.attrs.get("href", "")
                inner = self.rich_text(node.children, images)
                if href and inner.strip():
                    out.append(f'<a href="{escape(href)}">{inner}</a>')
                else:
                    out.append(inner)
            elif node.tag in _INLINE_MAP:
                tag = _INLINE_MAP[node.tag]
                inner = self.rich_text(node.children, images)
                out.append(f"<{tag}>{inner}</{tag}>" if inner.strip() else inner)
            else:
                out.append(self.rich_text(node.children, images))
        return "".join(out)


def _is_list(node) -> bool:
    return isinstance(node, Node) and node.tag in ("ul", "ol")


def _is_url(text: str) -> bool:
    return bool(re.fullmatch(r"https?://\S+", text))


def _classes_of(node: Node, tag: str) -> list[str]:
    return [child.attrs.get("class", "") for child in node.find_all(tag)]


def _remove(root: Node, target: Node) -> None:
    for child in root.children:
        if child is target:
            root.children.remove(child)
            return
        if isinstance(child, Node):
            _remove(child, target)


def _paragraph_texts(node: Node) -> list[str]:
    blocks = [c for c in node.children if isinstance(c, Node) and c.tag == "p"]
    if not blocks:
        return [" ".join(node.text().split())]
    return [" ".join(p.text().split()) for p in blocks]


def _first_url(node: Node) -> str:
    frame = node.find("iframe")
    if frame is not None and frame.attrs.get("src"):
        return frame.attrs["src"]
    link = node.find("a")
    if link is not None and link.attrs.get("href"):
        return link.attrs["href"]
    found = re.search(r"https?://\S+", node.text())
    return found.group(0) if found else ""


def _watch_url(url: str) -> str:
    """A player's frame address turned back into the page an editor would paste."""
    youtube = re.match(
        r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})", url
    )
    if youtube:
        return f"https://www.youtube.com/watch?v={youtube.group(1)}"
    vimeo = re.match(r"^(?:https?:)?//player\.vimeo\.com/video/(\d+)", url)
    if vimeo:
        return f"https://vimeo.com/{vimeo.group(1)}"
    return url


def _image_link(node: Node, caption: str = "") -> str:
    src = node.attrs.get("src", "")
    label = escape(node.attrs.get("alt") or caption or "Image", quote=False)
    if _is_url(src):
        return f'<a href="{escape(src)}">{label}</a>'
    return label
