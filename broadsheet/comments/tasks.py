"""Comment mail, sent by the background worker. Safe to run twice."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from broadsheet.comments.models import Comment
from broadsheet.core.mail import public_url, render_message


@task()
def send_reply_notification(comment_id: int) -> None:
    """Tell a member someone answered them, if they asked to be told."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("article", "author__member", "reply_to__author__member")
            .filter(
                pk=comment_id,
                status=Comment.Status.PUBLISHED,
                reply_notified_at=None,
            )
            .first()
        )
        if comment is None:
            return  # already notified, or no longer shown
        comment.reply_notified_at = timezone.now()
        comment.save(update_fields=["reply_notified_at"])
        recipient = comment.reply_to.author if comment.reply_to else None
        if not _wants_reply_mail(recipient, comment):
            return
        article_url = public_url(comment.article.url)
        context = {
            "comment": comment,
            "recipient": recipient.member,
            "article_url": article_url,
            "comment_url": f"{article_url}#comment-{comment.pk}",
            "preferences_url": public_url("/accounts/profile/"),
        }
        # Sent inside the transaction: if the mail server fails, the mark is
        # rolled back and a retry sends it.
        render_message(
            "comments/email/reply",
            context,
            to=[recipient.email],
            subject=f"{comment.author.member.display_name} replied to your comment",
        ).send()


def _wants_reply_mail(recipient, comment) -> bool:
    if recipient is None or not recipient.is_active or not recipient.email:
        return False
    if recipient.pk == comment.author_id:
        return False
    member = getattr(recipient, "member", None)
    return bool(member and member.notify_replies and not member.is_banned)


@task()
def notify_moderators(comment_id: int, event: str) -> None:
    """Email everyone who can moderate that a comment needs a look."""
    comment = (
        Comment.objects.select_related("article", "author__member")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not comment.needs_review:
        return
    moderators = get_user_model().objects.with_perm(
        "comments.moderate_comment",
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    recipients = sorted({m.email for m in moderators if m.is_active and m.email})
    if not recipients:
        return
    context = {
        "comment": comment,
        "event": event,
        "queue_url": public_url("/admin/comments/"),
        "article_url": public_url(comment.article.url),
    }
    subject = (
        "A comment was reported" if event == "reported" else "A comment awaits review"
    )
    render_message(
        "comments/email/moderation", context, to=recipients, subject=subject
    ).send()
