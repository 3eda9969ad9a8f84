"""Articles as clean Markdown, for readers' tools and AI assistants.

Rich text is converted with a small HTML walker that knows exactly the
formatting editors can use (links, bold, italic, lists, super/subscript).
"""

import json
import re
from html.parser import HTMLParser

from broadsheet.newsroom.embeds import resolve_embed


class _RichTextToMarkdown(HTMLParser):
    INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*"}

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.INLINE:
            self.out.append(self.INLINE[tag])
        elif tag == "a":
            href = attrs.get("href") or ""
            self.links.append(self.base + href if href.startswith("/") else href)
            self.out.append("[")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, number = self.lists[-1]
            indent = "   " * (len(self.lists) - 1)
            self.out.append(
                f"\n{indent}{number}. " if kind == "ol" else f"\n{indent}- "
            )
        elif tag == "br":
            self.out.append("  \n")
        elif tag == "sup":
            self.out.append("^")

    def handle_endtag(self, tag):
        if tag in self.INLINE:
            self.out.append(self.INLINE[tag])
        elif tag == "a" and self.links:
            self.out.append(f"]({self.links.pop()})")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n\n")
        elif tag == "p":
            self.out.append("\n\n")

    def handle_data(self, data):
        self.out.append(data.replace("\n", " "))

    def markdown(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self.out)).strip()


def rich_text_to_markdown(html: str, base: str) -> str:
    parser = _RichTextToMarkdown(base)
    parser.feed(html)
    parser.close()
    return parser.markdown()


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def block_to_markdown(block, base: str) -> str:
    kind, value = block.block_type, block.value
    if kind == "paragraph":
        return rich_text_to_markdown(value.source, base)
    if kind == "subheading":
        return ("## " if value["level"] == "h2" else "### ") + value["text"]
    if kind == "quote":
        quote = _quote(value["quote"])
        return quote + (
            f"\n>\n> — {value['attribution']}" if value["attribution"] else ""
        )
    if kind == "pull_quote":
        return _quote(f"**{value}**")
    if kind == "image":
        image = value["image"]
        rendition = image.get_rendition("width-1200|format-jpeg")
        alt = value["alt"] or image.description or ""
        caption = " ".join(filter(None, [value["caption"], value["credit"]]))
        return f"![{alt}]({base}{rendition.url})" + (
            f"\n*{caption}*" if caption else ""
        )
    if kind == "code":
        # A fence longer than any run of backticks inside the code.
        longest = max((len(run) for run in re.findall(r"`+", value["code"])), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}{value['language']}\n{value['code']}\n{fence}"
    if kind == "divider":
        return "---"
    if kind == "embed":
        embed = resolve_embed(value["url"])
        label = value["caption"] or f"Content from {embed.provider}"
        return f"[{label}]({value['url']})"
    return ""


def _yaml(value) -> str:
    # JSON scalars and lists are valid YAML, and JSON quoting is unambiguous.
    return json.dumps(value, ensure_ascii=False)


def article_markdown(article, *, authors, tags, base: str) -> str:
    url = base + article.url
    front = {
        "title": article.title,
        "description": article.standfirst,
        "canonical": url,
        "published": article.first_published_at.isoformat(),
        "updated": (
            article.last_published_at or article.first_published_at
        ).isoformat(),
        "authors": [author.name for author in authors],
        "section": article.section.title,
        "tags": tags,
        "reading_minutes": article.reading_minutes,
    }
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in front.items())]
    lines.append("takeaways:")
    lines += [f"  - {_yaml(item.value)}" for item in article.takeaways]
    lines += ["---", "", f"# {article.title}", "", f"*{article.standfirst}*", ""]
    if article.takeaways:
        lines += ["## Key takeaways", ""]
        lines += [f"{n}. {item.value}" for n, item in enumerate(article.takeaways, 1)]
        lines.append("")
    for block in article.body:
        text = block_to_markdown(block, base)
        if text:
            lines += [text, ""]
    lines += ["---", "", f"Source: [{article.title}]({url})", ""]
    return "\n".join(lines)
