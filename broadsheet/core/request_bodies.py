"""Refuse request bodies Django cannot read with a 400, before any view tries.

A body in a charset that is not ASCII-compatible (UTF-16, UTF-32, EBCDIC),
in a charset nobody knows, with too many fields, too large, or a broken
multipart message raises when something first reads ``request.POST``: the
CSRF check, a view, or (before this) the error page itself, which turned a
client's mistake into a 500. This middleware reads the form once, early, and
answers any such request with the 400 page, which never reads the body.
"""

import codecs
from urllib.parse import parse_qsl

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from broadsheet.core.views import bad_request

# Charsets whose ASCII bytes mean ASCII, so form field names, percent-escapes
# and multipart boundaries read as they should. Stateful, escape and
# two-byte encodings (UTF-16/32, UTF-7, ISO-2022, unicode_escape) are out.
ACCEPTED_CHARSETS = frozenset(
    codecs.lookup(label).name
    for label in (
        "utf-8",
        "ascii",
        *(f"iso-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16)),
        *(f"windows-{n}" for n in range(1250, 1259)),
        "koi8-r",
        "koi8-u",
        "shift_jis",
        "cp932",
        "euc-jp",
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "euc-kr",
    )
)

# What reading a malformed body raises. SuspiciousOperation covers
# RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent and bad multipart
# parts; BadRequest a urlencoded body declared in another charset than UTF-8.
UNREADABLE = (
    SuspiciousOperation,
    BadRequest,
    MultiPartParserError,
    UnreadablePostError,
    UnicodeError,
    LookupError,
    ValueError,
)


def charset_accepted(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in ACCEPTED_CHARSETS
    except (LookupError, ValueError, TypeError):
        return False


class EndWatcher:
    """Wraps a request's input and notes whether a multipart body's closing
    delimiter went by. Django's parser takes a body cut off anywhere (or one
    with another boundary) as complete, with whatever fields it found."""

    def __init__(self, stream, boundary: bytes):
        self.stream = stream
        self.end = b"\r\n--" + boundary + b"--"
        self.window = b"\r\n"  # a body with no parts starts with the delimiter
        self.seen_end = False
        self.length = 0

    def _watch(self, data: bytes) -> bytes:
        self.length += len(data)
        if not self.seen_end and data:
            window = self.window + data
            self.seen_end = self.end in window
            self.window = window[-(len(self.end) - 1) :]
        return data

    def read(self, *args, **kwargs):
        return self._watch(self.stream.read(*args, **kwargs))

    def readline(self, *args, **kwargs):
        return self._watch(self.stream.readline(*args, **kwargs))

    def close(self):
        self.stream.close()


def _watch_multipart_end(request) -> EndWatcher | None:
    boundary = (request.content_params or {}).get("boundary", "")
    stream = getattr(request, "_stream", None)
    if (
        request.content_type != "multipart/form-data"
        or not boundary.isascii()
        or stream is None
        or getattr(request, "_read_started", True)
    ):
        return None  # a missing or odd boundary makes Django's parser refuse
    watcher = EndWatcher(stream, boundary.encode("ascii"))
    request._stream = watcher
    return watcher


def _urlencoded_is_utf8(request) -> bool:
    """Django reads %FF as U+FFFD; a form whose bytes are not UTF-8 is refused."""
    try:
        parse_qsl(
            request.body.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError:
        return False
    return True


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_problem(request) -> str | None:
    """Why Django could not read this request's body, or None if it can."""
    charset = (request.content_params or {}).get("charset")
    if charset is not None and not charset_accepted(charset):
        return "The request declares a character set this site does not read."
    if request.method != "POST":
        return None  # Django parses form bodies of POSTs only
    watcher = _watch_multipart_end(request)
    try:
        request.POST  # noqa: B018
        request.FILES  # noqa: B018
        if request.content_type == "application/x-www-form-urlencoded":
            if len(request.body) < _declared_length(request):
                return "The form data sent was cut off."
            if not _urlencoded_is_utf8(request):
                return "The form data sent is not UTF-8."
    except UNREADABLE:
        return "The form data sent could not be read."
    if watcher is not None and (
        not watcher.seen_end or watcher.length < _declared_length(request)
    ):
        return "The form data sent was cut off."
    return None


class RequestBodyMiddleware:
    """Answer 400 to a request whose body cannot be read, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if body_problem(request) is not None:
            return bad_request(request)
        return self.get_response(request)
