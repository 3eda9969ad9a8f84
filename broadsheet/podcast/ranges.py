"""HTTP Range requests (RFC 9110 §14) for audio downloads.

Choices, as the RFC allows:

- a range unit other than ``bytes`` is ignored (the whole file, 200);
- a byte range that is malformed (``bytes=abc``, ``bytes=9-3``) or that starts
  beyond the end of the file is refused with 416;
- more than ``MAX_RANGES`` ranges are ignored and the whole file is sent
  (200), which stops a request for thousands of tiny ranges from costing
  more than the file;
- the ranges asked for are sorted and coalesced (RFC 9110 §14.2, §15.3.7.2):
  overlapping or adjacent ranges become one, so ``bytes=0-`` sixteen times
  is one range and ``bytes=0-10,5-20`` is ``0-20``. The ranges left are
  disjoint, so however the header overlaps, the bytes sent never exceed the
  file's size: we send the coalesced result rather than ignore the header.
  One range left is a single 206 part; several are ``multipart/byteranges``,
  in ascending order (each part names its own ``Content-Range``). Ranges with
  a gap between them stay separate, however small the gap.
"""

import re

MAX_RANGES = 16
_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(ValueError):
    """The Range header asks for nothing this file has: answer 416."""


def parse_range(header: str | None, size: int) -> list[tuple[int, int]] | None:
    """Return the byte ranges to send, or None for the whole file.

    Ranges are inclusive (first, last), sorted and coalesced: disjoint, so
    together never more than the file.

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
    return coalesce(ranges)


def coalesce(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort inclusive ranges and merge those that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
