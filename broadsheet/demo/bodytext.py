"""Turn the demo's plain-text article bodies into StreamField data.

The format is deliberately tiny (see content/articles.toml): one block per
blank-line-separated chunk.
"""

import html
import re

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_IMAGE = re.compile(
    r"^\[image:\s*(?P<caption>[^|\]]*?)\s*(?:\|\s*(?P<credit>[^\]]*?)\s*)?\]$"
)
_EMBED = re.compile(r"^\[embed:\s*(?P<url>\S+)\s*(?:\|\s*(?P<caption>[^\]]*?)\s*)?\]$")


def inline_html(text: str) -> str:
    """Escape text and turn [label](url) into links."""
    escaped = html.escape(text, quote=False)
    return _LINK.sub(
        lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', escaped
    )


def parse_body(text: str, *, image_for) -> list[dict]:
    """Return StreamField raw data; ``image_for(n, caption)`` supplies image ids."""
    blocks: list[dict] = []
    image_count = 0
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in chunk.strip().splitlines()]
        first = lines[0]
        if first.startswith("### ") or first.startswith("## "):
            level = "h3" if first.startswith("### ") else "h2"
            blocks.append(
                {
                    "type": "subheading",
                    "value": {"level": level, "text": first.split(" ", 1)[1]},
                }
            )
        elif first.startswith(">"):
            quoted = [line.lstrip("> ").strip() for line in lines]
            attribution = ""
            if quoted[-1].startswith(("--", "—")):
                attribution = quoted.pop().lstrip("-— ").strip()
            blocks.append(
                {
                    "type": "quote",
                    "value": {"quote": " ".join(quoted), "attribution": attribution},
                }
            )
        elif first.startswith("!! "):
            blocks.append({"type": "pull_quote", "value": first[3:].strip()})
        elif match := _IMAGE.match(first):
            image_count += 1
            caption = match["caption"] or ""
            blocks.append(
                {
                    "type": "image",
                    "value": {
                        "image": image_for(image_count, caption),
                        "alt": "",
                        "caption": caption,
                        "credit": match["credit"] or "",
                    },
                }
            )
        elif match := _EMBED.match(first):
            blocks.append(
                {
                    "type": "embed",
                    "value": {"url": match["url"], "caption": match["caption"] or ""},
                }
            )
        else:
            paragraph = " ".join(lines)
            blocks.append(
                {"type": "paragraph", "value": f"<p>{inline_html(paragraph)}</p>"}
            )
    return blocks
