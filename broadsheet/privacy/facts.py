"""What this installation actually stores and shares, read from its settings.

The privacy page is rendered from these facts, so it cannot drift from what
the code does: turn a feature on and the page says so.
"""

from dataclasses import dataclass

from django.conf import settings

from broadsheet.newsroom.embeds import embed_providers


@dataclass(frozen=True)
class StoredItem:
    name: str
    where: str
    when: str
    purpose: str


def cookies() -> list[StoredItem]:
    return [
        StoredItem(
            name=settings.SESSION_COOKIE_NAME,
            where="cookie, this site only, HttpOnly, SameSite=Lax",
            when="only after you log in (or start to)",
            purpose="keeps you logged in",
        ),
        StoredItem(
            name=settings.CSRF_COOKIE_NAME,
            where="cookie, this site only, SameSite=Lax",
            when="only when you start to log in or submit a form",
            purpose="protects forms against cross-site forgery",
        ),
    ]


def browser_storage() -> list[StoredItem]:
    return [
        StoredItem(
            "bs:saved",
            "this browser's local storage",
            "when you save an article",
            "your Save for later list; never sent to us",
        ),
        StoredItem(
            "bs:consent",
            "this browser's local storage",
            "when you choose to always load a provider's content",
            "remembers that choice; never sent to us",
        ),
        StoredItem(
            "bs:install-dismissed",
            "this browser's local storage",
            "when you dismiss the install prompt",
            "stops asking again",
        ),
        StoredItem(
            "offline copies",
            "this browser's cache (service worker)",
            "when you open or save a page",
            "lets you read pages again without a connection; at most 50 "
            "recent pages, plus the ones you saved",
        ),
    ]


def third_parties() -> list[str]:
    """Who else a reader's browser may contact, and only after a click."""
    return [provider.name for provider in embed_providers()]


def server_side() -> dict:
    analytics = settings.ANALYTICS
    return {
        "access_logs": settings.ACCESS_LOG,
        "analytics": analytics["ENABLED"],
        "analytics_days": analytics["RETENTION_DAYS"],
        "email_via": "an SMTP server you configure" if settings.EMAIL_HOST else None,
    }


@dataclass(frozen=True)
class MemberData:
    kept: list[str]
    shown: list[str]
    deletion: str


def member_data() -> MemberData:
    """What an account holds, what others see, and what deleting it does."""
    comments = settings.COMMENTS
    return MemberData(
        kept=[
            "your email address (to sign in, confirm it and reset your password)",
            "your password, only as an Argon2 hash",
            "your display name, and the bio and website you choose to add",
            "your comments, and reports you make about comments",
            "whether you want email when someone replies to you",
            "two-factor authentication devices, if you turn it on",
        ],
        shown=[
            "your display name, an avatar pattern drawn by this site from a "
            "random number (no photo, no Gravatar), your bio and website",
            "your published comments, on the article and on your profile page",
        ],
        deletion=(
            "Delete your account from your account page at any time. Your "
            "profile, email addresses, two-factor devices and comments are "
            "erased. A comment that others replied to stays as “Comment "
            "deleted”, without your name or words, so their replies still make "
            "sense. Reports you made stay for moderators, without your name."
        )
        + (
            f" Comments close {comments['CLOSE_AFTER_DAYS']} days after an "
            "article is published."
            if comments["CLOSE_AFTER_DAYS"]
            else ""
        ),
    )
