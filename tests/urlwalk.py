"""Every URL pattern of the project, with an address that reaches it.

The security tests enumerate routes instead of listing known ones, so a new
route is checked (or makes a test fail) without anyone remembering to add it.
"""

from dataclasses import dataclass
from re import _constants as c
from re import _parser as sre_parse

from django.urls import URLPattern, URLResolver, get_resolver

# Characters tried, in order, for a character class such as [^/] or [0-9].
_CANDIDATES = "1ax-_.B"


@dataclass(frozen=True)
class Route:
    regex: str  # the whole chain of patterns, e.g. ^admin/^comments/\Z
    name: str  # namespaced, e.g. "newsletter:manage"; "" when unnamed
    callback: object
    path: str  # an address that matches the regex, e.g. /admin/comments/

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def module(self) -> str:
        target = self.view_class or self.callback
        return getattr(target, "__module__", "") or ""

    def __str__(self):
        return f"{self.path} ({self.name or 'unnamed'})"


def routes(patterns=None, prefix="", namespace="") -> list[Route]:
    """Walk get_resolver().url_patterns recursively."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = prefix + pattern.pattern.regex.pattern
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += routes(pattern.url_patterns, regex, inner)
        elif isinstance(pattern, URLPattern):
            name = namespace + pattern.name if pattern.name else ""
            found.append(Route(regex, name, pattern.callback, "/" + sample(regex)))
    return found


def sample(regex: str) -> str:
    """A short string the regex matches (anchors inside the chain are ignored)."""
    return _emit(sre_parse.parse(regex))


def _emit(items) -> str:
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append(next(ch for ch in _CANDIDATES if ord(ch) != arg))
        elif op is c.ANY:
            out.append("x")
        elif op is c.IN:
            out.append(_char_in(arg))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = arg
            out.append(_emit(sub) * low)
        elif op is c.SUBPATTERN:
            out.append(_emit(arg[-1]))
        elif op is c.ATOMIC_GROUP:
            out.append(_emit(arg))
        elif op is c.BRANCH:
            out.append(_emit(arg[1][0]))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"cannot sample {op} in a URL pattern")
    return "".join(out)


def _char_in(items) -> str:
    negate = bool(items) and items[0][0] is c.NEGATE
    for char in _CANDIDATES:
        if _matches(items, char) != negate:
            return char
    raise ValueError(f"no sample character for {items}")


_CATEGORIES = {
    c.CATEGORY_DIGIT: str.isdigit,
    c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
    c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    c.CATEGORY_SPACE: str.isspace,
    c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
}


def _matches(items, char: str) -> bool:
    for op, arg in items:
        if op is c.LITERAL and chr(arg) == char:
            return True
        if op is c.RANGE and arg[0] <= ord(char) <= arg[1]:
            return True
        if op is c.CATEGORY and _CATEGORIES[arg](char):
            return True
    return False
