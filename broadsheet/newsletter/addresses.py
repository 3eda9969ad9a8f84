"""What counts as a mailable address, and one key per mailbox.

A leaf: it imports nothing of newsletter, so models (Subscriber.clean) and
services can both use it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_EMAIL_LENGTH = 254


class BadAddress(ValueError):
    """An address we cannot mail; the message says why."""


def clean_address(raw: str) -> str:
    """Return a mailable address or raise BadAddress with a reason."""
    if any(ch in raw for ch in "\r\n\x00"):
        raise BadAddress(_("An email address cannot contain line breaks."))
    address = raw.strip()
    if not address:
        raise BadAddress(_("Enter your email address."))
    if len(address) > MAX_EMAIL_LENGTH:
        raise BadAddress(
            _("That address is longer than %(n)d characters.") % {"n": MAX_EMAIL_LENGTH}
        )
    try:
        validate_email(address)
    except ValidationError:
        raise BadAddress(
            _("“%(a)s” is not an email address.") % {"a": address}
        ) from None
    local, _at, domain = address.rpartition("@")
    address = f"{local}@{domain.lower()}"
    if len(address_key(address)) > MAX_EMAIL_LENGTH:
        raise BadAddress(
            _("That address is longer than %(n)d characters.") % {"n": MAX_EMAIL_LENGTH}
        )
    return address


def address_key(address: str) -> str:
    return address.casefold()
