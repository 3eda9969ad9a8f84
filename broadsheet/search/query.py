"""A reader's query, parsed: words, "phrases", -exclusions and prefix*.

Only letters and digits reach the database: every part is reduced to its
folded words (core.search_text.fold), so no input can inject operators into
PostgreSQL's tsquery or SQLite's FTS5 syntax, and the same query means the
same on both.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from broadsheet.core.search_text import fold

MAX_LENGTH = 200
MAX_PARTS = 12
MIN_PREFIX = 2
# Letters and digits; underscores and punctuation separate words, as they
# do for both databases' tokenizers.
WORD = re.compile(r"[^\W_]+")
# A quoted phrase (an unclosed quote runs to the end) or a bare token, each
# with an optional leading minus.
_PART = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


class QueryError(ValueError):
    """The query cannot be searched; the message says why, for the reader."""


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()  # words or phrases to leave out

    @property
    def highlighted(self) -> tuple[str, ...]:
        """The folded words a result's snippet marks."""
        return (
            *self.words,
            *self.prefixes,
            *(word for phrase in self.phrases for word in phrase),
        )

    @property
    def parts(self) -> int:
        return (
            len(self.words)
            + len(self.prefixes)
            + len(self.phrases)
            + len(self.excluded)
        )


def clean(raw: str) -> str:
    """Return the query as a reader typed it, minus controls, squeezed to one line."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(text.split())


def parse(raw: str) -> ParsedQuery:
    """Parse a query; raise ``QueryError`` if it cannot be searched.

    An empty query is not an error: the caller shows the empty search page.
    """
    text = clean(raw)
    if len(text) > MAX_LENGTH:
        raise QueryError(
            _(
                "Searches are limited to %(limit)d characters, and this one has "
                "%(length)d. Try the few words that matter most."
            )
            % {"limit": MAX_LENGTH, "length": len(text)}
        )
    words, prefixes, phrases, excluded = [], [], [], []
    for match in _PART.finditer(text):
        quoted_minus, quoted, bare_minus, bare = match.groups()
        found = tuple(WORD.findall(fold(quoted if bare is None else bare)))
        if not found:
            continue
        if (quoted_minus or bare_minus) and (bare is None or len(bare) > 1):
            excluded.append(found)
        elif len(found) > 1:
            phrases.append(found)
        elif bare is not None and bare.endswith("*") and len(found[0]) >= MIN_PREFIX:
            prefixes.append(found[0])
        else:
            words.append(found[0])
    parsed = ParsedQuery(
        tuple(dict.fromkeys(words)),
        tuple(dict.fromkeys(prefixes)),
        tuple(dict.fromkeys(phrases)),
        tuple(dict.fromkeys(excluded)),
    )
    if text and not parsed.highlighted:
        if parsed.excluded:
            raise QueryError(
                _("Add a word to search for, as well as the ones to leave out.")
            )
        raise QueryError(
            _("There is nothing to search for in that. Try a word or two.")
        )
    if parsed.parts > MAX_PARTS:
        raise QueryError(
            ngettext(
                "Use at most %(limit)d word or phrase.",
                "Use at most %(limit)d words and phrases.",
                MAX_PARTS,
            )
            % {"limit": MAX_PARTS}
        )
    return parsed
