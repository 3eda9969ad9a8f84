"""Stream a stored file, whole or in byte ranges, without reading it into memory."""

import secrets
from collections.abc import Iterator

from django.core.files.storage import default_storage

from broadsheet.core.object_store import iter_range


def read_span(name: str, start: int, end: int) -> Iterator[bytes]:
    """Yield bytes start..end (inclusive) of a stored file, a chunk at a time.

    From an object store this is one ranged GET per span, streamed: a
    listener skipping to minute 40 costs the store only what they play.
    """
    return iter_range(default_storage, name, start, end)


def multipart(
    name: str, ranges: list[tuple[int, int]], size: int, content_type: str
) -> tuple[Iterator[bytes], int, str]:
    """Return a multipart/byteranges body, its exact length and its boundary."""
    boundary = secrets.token_hex(16)
    heads = [
        (
            f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Range: bytes {start}-{end}/{size}\r\n\r\n"
        ).encode()
        for start, end in ranges
    ]
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = sum(len(head) for head in heads) + len(tail)
    length += sum(end - start + 1 for start, end in ranges) + 2 * (len(ranges) - 1)

    def body():
        for index, ((start, end), head) in enumerate(zip(ranges, heads, strict=True)):
            yield (b"\r\n" if index else b"") + head
            yield from read_span(name, start, end)
        yield tail

    return body(), length, boundary
