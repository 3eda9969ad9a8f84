"""Signed links in newsletter mail.

A confirmation link expires; the manage and unsubscribe links never do (a
reader must always be able to leave, even from a years-old email). Each
names the subscriber's random token, never their id or address.
"""

from django.core import signing

CONFIRM_SALT = "broadsheet.newsletter.confirm"
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def confirmation_key(subscriber) -> str:
    return signing.dumps(subscriber.token, salt=CONFIRM_SALT, compress=False)


def token_from_confirmation_key(key: str) -> str:
    try:
        return signing.loads(key, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
