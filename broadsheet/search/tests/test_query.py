"""Parsing a reader's query and marking a snippet: plain functions."""

import pytest

from broadsheet.search.query import MAX_LENGTH, ParsedQuery, QueryError, parse
from broadsheet.search.snippets import snippet


def test_words_phrases_exclusions_and_prefixes_are_told_apart():
    parsed = parse('Chip "smaller transistors" -lithography regulat* -"old news"')
    assert parsed == ParsedQuery(
        words=("chip",),
        prefixes=("regulat",),
        phrases=(("smaller", "transistors"),),
        excluded=(("lithography",), ("old", "news")),
    )


def test_case_and_accents_fold_and_operators_never_pass_through():
    assert parse("ZÜRICH Café").words == ("zurich", "cafe")
    # FTS5 and tsquery syntax is reduced to words: nothing reaches the database
    # but letters and digits.
    parsed = parse("NEAR(a b) title:x {col}: ^y ' OR 1=1 -- & | ! <-> :*")
    assert all(w.isalnum() for w in parsed.highlighted)
    assert parse("state-of-the-art").phrases == (("state", "of", "the", "art"),)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * (MAX_LENGTH + 1), "limited to 200 characters"),
        ('"" - * -- ***', "nothing to search for"),
        ('-crypto -"old news"', "as well as the ones to leave out"),
        (" ".join(f"w{i}" for i in range(13)), "at most 12"),
    ],
)
def test_queries_that_cannot_be_searched_say_why(query, message):
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_an_empty_query_is_not_an_error():
    assert parse("   ").parts == 0


def test_the_snippet_marks_the_words_as_written_and_escapes_the_rest():
    text = (
        "Opening words. " * 20
        + "The <b>lab</b> in Zürich said regulators & chip makers agreed. "
        + "Closing words. " * 20
    )
    html = snippet(text, ("zurich", "regulator"), ())
    assert "<mark>Zürich</mark>" in html
    assert "<mark>regulators</mark>" in html  # a longer form of the word
    assert "&lt;b&gt;lab&lt;/b&gt;" in html or "<b>" not in html
    assert html.startswith("… ") and html.endswith(" …")
