"""Clean-up shared by every field where readers write text."""

import re

# Explicit embedding, override and isolate controls can make text display in
# an order other than it was written ("Trojan Source"); marks (LRM/RLM) are
# harmless and stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def without_bidi_controls(text: str) -> str:
    return _INVISIBLE.sub("", _BIDI_CONTROLS.sub("", text))
