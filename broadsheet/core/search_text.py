"""Text as the search index sees it: folded, so case and accents never matter.

The index (newsroom's ``search_fields``) and the search app's queries both
fold with ``fold``, so "Zürich", "ZURICH" and "zurich" are one word on every
database, without PostgreSQL's unaccent extension.
"""

import unicodedata

from modelsearch import index


def fold(text: str) -> str:
    """Return ``text`` without accents, case-folded: "Ærø Café" → "ærø cafe"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


class FoldedSearchField(index.SearchField):
    """A search field whose value is indexed folded.

    ``value`` names another attribute to read (a method or a field), so the
    headline can be indexed under "title" with more than the title in it.
    """

    def __init__(self, field_name, *, value=None, **kwargs):
        super().__init__(field_name, **kwargs)
        self.value = value

    def get_value(self, obj):
        # Wagtail's indexer reads every field once per column it fills (title,
        # body, plain texts): remember the folded text on the instance being
        # indexed rather than rebuilding a body four times.
        remembered = obj.__dict__.setdefault("_folded_search_values", {})
        key = (self.field_name, self.value)
        if key not in remembered:
            if self.value is None:
                raw = super().get_value(obj)
            else:
                raw = getattr(obj, self.value)
                raw = raw() if callable(raw) else raw
            remembered[key] = fold(raw if isinstance(raw, str) else str(raw or ""))
        return remembered[key]


class FoldedAutocompleteField(index.AutocompleteField):
    def get_value(self, obj):
        return fold(str(super().get_value(obj) or ""))
