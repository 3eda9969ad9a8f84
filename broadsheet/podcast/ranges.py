"""HTTP Range requests (RFC 9110 §14) for audio downloads.

Choices, as the RFC allows:

- a range unit other than ``bytes`` is ignored (the whole file, 200);
- a byte range that is malformed (``bytes=abc``, ``bytes=9-3``) or that starts
  beyond the end of the file is refused with 416;
- several ranges are answered as ``multipart/byteranges``, but more than
  ``MAX_RANGES`` of them are ignored and the whole file is sent, which stops
  a request for thousands of tiny ranges from costing more than the file.
"""

import re

MAX_RANGES = 16
_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(ValueError):
    """The Range header asks for nothing this file has: answer 416."""


def parse_range(header: str | None, size: int) -> list[tuple[int, int]] | None:
    """Return the inclusive (first, last) byte ranges asked for, or None for all.

    Raise ``Unsatisfiable`` for a malformed byte range or one beyond the end.
    """
    if not header:
        return None
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    parts = specs.split(",")
    if len(parts) > MAX_RANGES:
        return None
    ranges = []
    for part in parts:
        match = _SPEC.match(part)
        if not match or match.groups() == ("", ""):
            raise Unsatisfiable(part)
        first, last = match.groups()
        if first == "":  # suffix: the last N bytes
            length = int(last)
            if length == 0:
                continue
            ranges.append((max(size - length, 0), size - 1))
            continue
        start = int(first)
        end = int(last) if last else size - 1
        if end < start:
            raise Unsatisfiable(part)
        if start >= size:
            continue
        ranges.append((start, min(end, size - 1)))
    if not ranges:
        raise Unsatisfiable(header)
    return ranges
