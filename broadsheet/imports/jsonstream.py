"""Streaming JSON (ijson): values handed out one at a time, errors with position.

A Ghost export can be hundreds of megabytes; only the value being handed out
is ever built, so memory stays flat. Errors name the line and byte where
parsing stopped (to within the 16 KB being read).
"""

from collections.abc import Callable

import ijson

from broadsheet.imports.records import ExportError

BUFFER = 16 * 1024


class _CountingReader:
    def __init__(self, stream):
        self.stream = stream
        self.bytes = 0
        self.lines = 1
        self.first = b""

    def read(self, size=-1):
        data = self.stream.read(size)
        if not self.first:
            self.first = data[:8]
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        return data


def _problem(error: Exception, reader: _CountingReader, what: str) -> ExportError:
    message = (
        str(error).strip().splitlines()[0]
        if str(error).strip()
        else type(error).__name__
    )
    where = f"around line {reader.lines:,}, byte {reader.bytes:,}"
    if reader.first.lstrip()[:1] not in (b"{", b"[") and reader.bytes <= BUFFER:
        if reader.first.startswith((b"\xff\xfe", b"\xfe\xff")):
            return ExportError(
                f"The file is UTF-16 text; {what} must be UTF-8. Save it as UTF-8."
            )
        return ExportError(f"This is not a JSON file ({message}). Choose {what}.")
    if (
        "premature EOF" in message
        or "Incomplete" in type(error).__name__
        and "EOF" in message
    ):
        return ExportError(
            f"The file ends too early ({where}): it looks cut off. Export it again."
        )
    if "UTF8" in message or "utf-8" in message.lower():
        return ExportError(f"The file is not valid UTF-8 {where} ({message}).")
    return ExportError(f"The file is not valid JSON {where}: {message}.")


def walk(
    path,
    handlers: dict[str, Callable],
    *,
    counters: dict[str, int] | None = None,
    what: str = "the exported .json file",
) -> None:
    """Call ``handlers[prefix](value)`` for each value at a wanted prefix.

    Prefixes are ijson's ("db.item.data.posts.item" for each post). Maps
    and arrays are built whole, one at a time; ``counters`` only counts the
    maps at their prefixes, building nothing.
    """
    counters = {} if counters is None else counters
    with open(path, "rb") as stream:
        reader = _CountingReader(stream)
        builder, depth, handler = None, 0, None
        try:
            for prefix, event, value in ijson.parse(reader, buf_size=BUFFER):
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                        if depth == 0:
                            handler(builder.value)
                            builder = None
                    continue
                if prefix in counters and event == "start_map":
                    counters[prefix] += 1
                    continue
                handler = handlers.get(prefix)
                if handler is None:
                    continue
                if event in ("start_map", "start_array"):
                    builder, depth = ijson.ObjectBuilder(), 1
                    builder.event(event, value)
                elif event not in ("end_map", "end_array", "map_key"):
                    handler(value)
        except (ijson.JSONError, UnicodeDecodeError) as error:
            raise _problem(error, reader, what) from None


def items(path, prefix: str, *, what: str = "the exported .json file"):
    """The values at ``prefix``, one at a time, as a generator."""
    with open(path, "rb") as stream:
        reader = _CountingReader(stream)
        try:
            yield from ijson.items(reader, prefix, buf_size=BUFFER)
        except (ijson.JSONError, UnicodeDecodeError) as error:
            raise _problem(error, reader, what) from None
