"""Display names: one normal form, and a look-alike key that keeps them unique.

A display name is shown next to everything a member writes, so two names
that look the same on screen ("Anna" in Latin letters and "Аnna" with a
Cyrillic А) must count as the same name, and invisible or direction-changing
characters must never get in.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 2
MAX_LENGTH = 40
RESERVED = {
    "admin",
    "administrator",
    "moderator",
    "staff",
    "editor",
    "newsroom",
    "deleted",
    "anonymous",
    "support",
    "broadsheet",
}
ALLOWED_PUNCTUATION = set(" .-_'")
# Letters from other scripts that look like Latin ones, and digits that pass
# for letters. Enough to stop the common impersonations; the script check
# below refuses mixed-script names outright.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h",
        "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
        "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u",
        "0": "o", "1": "l", "3": "e", "5": "s", "i": "l", "|": "l",
    }
)  # fmt: skip


def normalise(raw: str) -> str:
    """Return the name as stored: NFKC, trimmed, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def lookalike_key(name: str) -> str:
    """Return a key equal for names a reader could not tell apart."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_LOOKALIKES)
    folded = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", folded)
        if not unicodedata.combining(ch)
    )
    folded = folded.replace("rn", "m").replace("vv", "w")
    return re.sub(r"[\s.\-_']+", "", folded)


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def validate_display_name(raw: str) -> str:
    """Return the normalised name, or raise ValidationError saying what is wrong."""
    name = normalise(raw)
    if len(name) < MIN_LENGTH:
        raise ValidationError(
            _("Use at least %(n)d characters.") % {"n": MIN_LENGTH}, code="short"
        )
    if len(name) > MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(n)d characters.") % {"n": MAX_LENGTH}, code="long"
        )
    for ch in name:
        category = unicodedata.category(ch)
        if ch in ALLOWED_PUNCTUATION or category[0] in "LN" or category == "Mn":
            continue
        if category in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            raise ValidationError(
                _("Names cannot contain invisible or control characters."),
                code="invisible",
            )
        raise ValidationError(
            _("Use letters, digits, spaces and . - _ ' only (not “%(ch)s”).")
            % {"ch": ch},
            code="character",
        )
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("A name needs at least one letter."), code="letters")
    scripts = {s for s in map(_script, name) if s}
    if len(scripts) > 1:
        raise ValidationError(
            _("Write your name in one alphabet; mixing them can imitate others."),
            code="mixed_scripts",
        )
    if lookalike_key(name) in {lookalike_key(word) for word in RESERVED}:
        raise ValidationError(_("That name is reserved."), code="reserved")
    return name
