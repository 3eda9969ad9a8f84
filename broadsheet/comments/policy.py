"""Who may comment where, and whether a new comment waits for a moderator.

Each rule is its own line so the reasons readers see match the checks made.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from broadsheet.comments.models import Comment
from broadsheet.core.visibility import page_is_visible

MAX_DEPTH = 2  # replies to replies; deeper answers join the reply they answer


def setting(name: str):
    return settings.COMMENTS[name]


def is_moderator(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.moderate_comment")


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def closing_time(article):
    days = setting("CLOSE_AFTER_DAYS")
    if not days or not article.first_published_at:
        return None
    return article.first_published_at + timedelta(days=days)


def closed_reason(article, *, now=None) -> str | None:
    """Say why an article takes no comments, or None when it is open."""
    if not article.comments_open:
        return _("Comments are closed on this article.")
    closes = closing_time(article)
    if closes and (now or timezone.now()) >= closes:
        return _("Comments closed %(days)d days after publication.") % {
            "days": setting("CLOSE_AFTER_DAYS")
        }
    return None


def posting_refusal(user, article, *, now=None) -> str | None:
    """Say why this user cannot comment on this article, or None if they can."""
    closed = closed_reason(article, now=now)
    if closed:
        return closed
    if not user.is_authenticated:
        return _("Log in or register to join the conversation.")
    if not user.is_active:
        return _("This account is not active.")
    member = getattr(user, "member", None)
    if member is not None and member.is_banned:
        return _("Your account can no longer post comments.")
    if not has_verified_email(user):
        return _("Confirm your email address before commenting.")
    if not page_is_visible(article):
        # Behind a view restriction (or unpublished): the conversation is
        # part of what every reader may see, so there is none here.
        return _("Comments are closed on pages with restricted access.")
    return None


def hold_reason(user) -> str:
    """Say why a new comment by this user waits for review ('' publishes it)."""
    if is_moderator(user):
        return ""
    hold_first = setting("HOLD_FIRST")
    if hold_first:
        published = Comment.objects.filter(
            author=user, status=Comment.Status.PUBLISHED
        ).count()
        if published < hold_first:
            return _("A new member's first comments are reviewed.")
    return ""


def can_edit(comment: Comment, user, *, now=None) -> bool:
    if not user.is_authenticated or comment.author_id != user.pk:
        return False
    if comment.status not in (Comment.Status.PENDING, Comment.Status.PUBLISHED):
        return False
    window = timedelta(minutes=setting("EDIT_MINUTES"))
    return (now or timezone.now()) < comment.created_at + window


def can_delete(comment: Comment, user) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status != Comment.Status.DELETED
    )
