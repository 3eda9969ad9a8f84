"""A result's snippet: the passage that best matches, with the words marked.

Works on the article's own text (not the folded index), so the reader sees
the words as written, accents and all; every piece is escaped.
"""

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from broadsheet.core.search_text import fold
from broadsheet.search.query import WORD

WINDOW = 32  # words
# A word of at least this length also marks longer forms ("regulator" marks
# "regulators"), as PostgreSQL's stemming finds them.
STEM_LENGTH = 4


def _marks(word: str, terms: tuple[str, ...], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word)
    if folded in terms or any(folded.startswith(p) for p in prefixes):
        return True
    return any(len(t) >= STEM_LENGTH and folded.startswith(t) for t in terms)


def _marked(text: str, words: list, marked: list, start: int, end: int) -> SafeString:
    """``text`` from word ``start`` to word ``end``, escaped, found words marked."""
    pieces = []
    cursor = words[start].start()
    for index in range(start, end):
        word = words[index]
        pieces.append((text[cursor : word.start()], False))
        pieces.append((word.group(), marked[index]))
        cursor = word.end()
    return format_html_join(
        "",
        "{}",
        ((format_html("<mark>{}</mark>", t) if m else t,) for t, m in pieces),
    )


def _words(text: str, terms: tuple, prefixes: tuple) -> tuple[list, list]:
    """The words of ``text`` (regex matches) and whether each is marked."""
    words = list(WORD.finditer(text))
    return words, [_marks(w.group(), terms, prefixes) for w in words]


def highlight(text: str, terms: tuple, prefixes: tuple = ()) -> SafeString:
    """All of ``text`` (a headline), escaped, with the words found marked."""
    words, marked = _words(text, terms, prefixes)
    if not words:
        return escape(text)
    return format_html(
        "{}{}{}",
        text[: words[0].start()],
        _marked(text, words, marked, 0, len(words)),
        text[words[-1].end() :],
    )


def snippet(text: str, terms: tuple, prefixes: tuple = ()) -> SafeString:
    """Return about ``WINDOW`` words of ``text`` around the most marked words."""
    words, marked = _words(text, terms, prefixes)
    if not words:
        return SafeString("")
    # Prefix sums: the window starting at s holds totals[s + WINDOW] - totals[s].
    totals = [0]
    for flag in marked:
        totals.append(totals[-1] + flag)
    last_start = max(0, len(words) - WINDOW)
    best = max(
        range(last_start + 1),
        key=lambda s: (totals[min(s + WINDOW, len(words))] - totals[s], -s),
    )
    # Open a few words before the first marked word of the window.
    first = next((i for i in range(best, len(words)) if marked[i]), best)
    start = max(0, min(best, first - 4))
    end = min(len(words), start + WINDOW)
    lead = "… " if start else ""
    tail = " …" if end < len(words) else ""
    body = _marked(text, words, marked, start, end)
    return format_html("{}{}{}", lead, body, tail)
