"""gzip and brotli for text responses, negotiated with ``Accept-Encoding``."""

import gzip

import brotli

_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/feed+json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/xhtml+xml",
    "application/javascript",
    "application/manifest+json",
    "application/opensearchdescription+xml",
    "image/svg+xml",
)
# Below this, the framing costs more than compression saves.
MIN_BYTES = 256
# Brotli before gzip: smaller for the same text, and every current browser has it.
PREFERENCE = ("br", "gzip")


def compressible(content_type: str) -> bool:
    return content_type.lower().startswith(_TEXT_TYPES)


def negotiate(accept_encoding: str) -> str | None:
    """Return the encoding to answer with, or None for the body as it is."""
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        params = params.strip().replace(" ", "")
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[name.strip().lower()] = weight
    for name in PREFERENCE:
        if weights.get(name, weights.get("*", 0.0)) > 0:
            return name
    return None


def compress(body: bytes, encoding: str, *, once: bool) -> bytes:
    """Compress ``body``; ``once`` (a stored copy) affords a slower, tighter setting."""
    if encoding == "br":
        return brotli.compress(body, mode=brotli.MODE_TEXT, quality=9 if once else 5)
    return gzip.compress(body, compresslevel=9 if once else 6, mtime=0)
