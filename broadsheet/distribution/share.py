"""Share links: plain addresses, so sharing loads nothing from anyone until clicked."""

import re
from urllib.parse import quote, urlencode

# A host name as readers type their Mastodon server: "mastodon.social".
INSTANCE = re.compile(
    r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


def share_links(url: str, title: str) -> list[dict]:
    text = f"{title} {url}"
    return [
        {
            "name": "Email",
            "href": "mailto:?"
            + urlencode({"subject": title, "body": url}, quote_via=quote),
        },
        {
            "name": "Bluesky",
            "href": "https://bsky.app/intent/compose?" + urlencode({"text": text}),
        },
        {
            "name": "LinkedIn",
            "href": "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}),
        },
        {
            "name": "X",
            "href": "https://x.com/intent/post?"
            + urlencode({"text": title, "url": url}),
        },
        {
            "name": "Reddit",
            "href": "https://www.reddit.com/submit?"
            + urlencode({"url": url, "title": title}),
        },
        {
            "name": "Hacker News",
            "href": "https://news.ycombinator.com/submitlink?"
            + urlencode({"u": url, "t": title}),
        },
        {"name": "WhatsApp", "href": "https://wa.me/?" + urlencode({"text": text})},
        {
            "name": "Telegram",
            "href": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
        },
    ]


def clean_instance(raw: str) -> str | None:
    """Return a Mastodon server's host name from what a reader typed, or None."""
    host = raw.strip().lower().removeprefix("https://").removeprefix("http://")
    host = host.split("/", 1)[0].removeprefix("@")
    if "@" in host:  # "name@server" handles
        host = host.rsplit("@", 1)[1]
    return host if INSTANCE.match(host) else None


def mastodon_share_url(instance: str, url: str, title: str) -> str:
    return f"https://{instance}/share?" + urlencode({"text": f"{title} {url}"})
