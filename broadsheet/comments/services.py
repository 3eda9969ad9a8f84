"""Every change to comments: post, edit, delete, report, moderate.

Views and the admin call these; each runs in one transaction and queues its
mail and cache invalidation for after the commit.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from broadsheet.accounts.services import member_ban, member_unban
from broadsheet.comments import policy
from broadsheet.comments.models import Comment, Report
from broadsheet.comments.rendering import (
    clean_imported_html,
    count_links,
    render_comment,
    too_deeply_nested,
)
from broadsheet.comments.tasks import notify_moderators, send_reply_notification
from broadsheet.core.caching import reader_content_changed
from broadsheet.core.pagecache.keys import page_key
from broadsheet.core.text import without_bidi_controls

DUPLICATE_WINDOW_HOURS = 24
_URL = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)


class CommentRefused(Exception):
    """A request the rules do not allow; the message is for the member."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _content_changed(*article_ids) -> None:
    # An article's page shows its thread, and every card of it the count.
    reader_content_changed(page_key(pk) for pk in article_ids)


def _checked_text(text: str) -> tuple[str, str]:
    """Return (cleaned text, html) or refuse with what is wrong."""
    text = without_bidi_controls(text.replace("\r\n", "\n")).strip()
    if not text:
        raise CommentRefused(_("Write something before posting."))
    max_length = policy.setting("MAX_LENGTH")
    if len(text) > max_length:
        raise CommentRefused(
            _("Comments can be at most %(max)d characters; this one has %(n)d.")
            % {"max": max_length, "n": len(text)}
        )
    if too_deeply_nested(text):
        raise CommentRefused(
            _("Quotes and lists can be nested at most 10 levels deep.")
        )
    html = render_comment(text)
    max_links = policy.setting("MAX_LINKS")
    # Count both: bare addresses people can copy, and links the Markdown made
    # (mailto: and entity-encoded schemes never show "https://" in the text).
    if max(len(_URL.findall(text)), count_links(html)) > max_links:
        raise CommentRefused(
            _("A comment can contain at most %(max)d links.") % {"max": max_links}
        )
    return text, html


def fingerprint(text: str) -> str:
    """What tells a repeated comment: its words, whatever the case and spacing."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


@transaction.atomic
def comment_post(*, author, article, text: str, reply_to: Comment | None = None):
    """Create a comment, published at once or held for a moderator."""
    refusal = policy.posting_refusal(author, article)
    if refusal:
        raise CommentRefused(refusal, status=403)
    if reply_to is not None and (
        reply_to.article_id != article.pk or not reply_to.is_visible
    ):
        raise CommentRefused(_("You can only reply to a published comment."))
    text, html = _checked_text(text)
    body_hash = fingerprint(text)
    recent = timezone.now() - timezone.timedelta(hours=DUPLICATE_WINDOW_HOURS)
    if Comment.objects.filter(
        author=author, body_hash=body_hash, created_at__gte=recent
    ).exists():
        raise CommentRefused(_("You have already posted this comment."))

    parent, depth = None, 0
    if reply_to is not None:
        parent = reply_to if reply_to.depth < policy.MAX_DEPTH else reply_to.parent
        depth = parent.depth + 1
    held = policy.hold_reason(author)
    comment = Comment.objects.create(
        article=article,
        author=author,
        parent=parent,
        reply_to=reply_to,
        depth=depth,
        body=text,
        body_html=html,
        body_hash=body_hash,
        status=Comment.Status.PENDING if held else Comment.Status.PUBLISHED,
        held_reason=held,
    )
    if held:
        _notify_moderators(comment, "held")
    else:
        _published(comment)
    return comment


@dataclass
class ImportedComment:
    """A comment written on another platform, as an import hands it over."""

    key: str
    parent_key: str  # "" for a comment that answers the article
    name: str
    html: str
    status: str
    created_at: object


def comments_import(*, article, comments, known=None):
    """Store comments brought from another platform, as they stood there.

    ``known`` maps the keys of comments imported before to their rows, so a
    new reply finds its parent. Returns the new rows by key, and the keys
    of those whose parent is not among them (they join at the top level).
    Nobody is notified: the conversation happened long ago. Threads deeper
    than MAX_DEPTH join the reply they answer, as new replies do. Parents
    are written before their replies, one batch per level of the thread.
    """
    made = dict(known or {})
    pending = {comment.key: comment for comment in comments}
    created, orphans = {}, []
    while pending:
        level = [
            comment
            for comment in pending.values()
            if not comment.parent_key or comment.parent_key not in pending
        ] or [next(iter(pending.values()))]  # a loop of parents: break it
        rows = []
        for comment in level:
            reply_to = made.get(comment.parent_key) if comment.parent_key else None
            if comment.parent_key and reply_to is None:
                orphans.append(comment.key)
            rows.append(_imported_row(article, comment, reply_to))
        for comment, row in zip(level, Comment.objects.bulk_create(rows), strict=True):
            made[comment.key] = created[comment.key] = row
            del pending[comment.key]
    if created:
        # auto_now_add set every date to now: give them their own back.
        for comment in comments:
            if comment.key in created:
                created[comment.key].created_at = comment.created_at
        Comment.objects.bulk_update(created.values(), ["created_at"], batch_size=500)
        if any(row.status == Comment.Status.PUBLISHED for row in created.values()):
            _content_changed(article.pk)
    return created, orphans


def _imported_row(article, comment: ImportedComment, reply_to) -> Comment:
    body_html = clean_imported_html(comment.html)
    text = unescape(strip_tags(body_html.replace("</p>", "</p>\n\n"))).strip()
    parent, depth = None, 0
    if reply_to is not None:
        parent = reply_to if reply_to.depth < policy.MAX_DEPTH else reply_to.parent
        depth = parent.depth + 1
    return Comment(
        article=article,
        guest_name=without_bidi_controls(comment.name).strip()[:120] or _("A reader"),
        parent=parent,
        reply_to=reply_to,
        depth=depth,
        body=text,
        body_html=body_html,
        body_hash=fingerprint(text),
        status=comment.status,
        reply_notified_at=comment.created_at,
    )


def _published(comment: Comment) -> None:
    _content_changed(comment.article_id)
    if comment.reply_to_id and comment.reply_notified_at is None:
        transaction.on_commit(lambda: send_reply_notification.enqueue(comment.pk))


def _notify_moderators(comment: Comment, event: str) -> None:
    if policy.setting("NOTIFY_MODERATORS"):
        transaction.on_commit(lambda: notify_moderators.enqueue(comment.pk, event))


@transaction.atomic
def comment_edit(*, comment: Comment, editor, text: str) -> Comment:
    """Change a comment's text within the edit window; it shows as edited."""
    if not policy.can_edit(comment, editor):
        raise CommentRefused(
            _("Comments can only be edited by their author, for %(n)d minutes.")
            % {"n": policy.setting("EDIT_MINUTES")},
            status=403,
        )
    text, html = _checked_text(text)
    comment.body, comment.body_html = text, html
    comment.body_hash = fingerprint(text)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "body_hash", "edited_at"])
    if comment.is_visible:
        _content_changed(comment.article_id)
    return comment


_BLANKED = ["status", "body", "body_html", "body_hash", "held_reason"]


def _blank(comment: Comment) -> None:
    comment.status = Comment.Status.DELETED
    comment.body = comment.body_html = comment.body_hash = ""
    comment.held_reason = ""


@transaction.atomic
def comment_delete(*, comment: Comment, by) -> None:
    """Remove the author's own comment; replies to it stay, under a placeholder."""
    if not policy.can_delete(comment, by):
        raise CommentRefused(_("You can only delete your own comments."), status=403)
    was_visible = comment.is_visible
    _blank(comment)
    comment.save(update_fields=[*_BLANKED])
    if was_visible:
        _content_changed(comment.article_id)


@transaction.atomic
def comment_report(*, comment: Comment, reporter, reason: str, note: str = ""):
    """Record a report; enough reports take the comment down until reviewed."""
    if not comment.is_visible:
        raise CommentRefused(_("This comment is no longer shown."), status=404)
    if comment.author_id == reporter.pk:
        raise CommentRefused(_("You cannot report your own comment."), status=403)
    if Report.objects.filter(comment=comment, reporter=reporter).exists():
        raise CommentRefused(_("You have already reported this comment."))
    report = Report.objects.create(
        comment=comment,
        reporter=reporter,
        reason=reason,
        note=without_bidi_controls(note).strip(),
    )
    Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + 1)
    comment.refresh_from_db(fields=["open_reports"])
    if comment.open_reports >= policy.setting("REPORTS_TO_HOLD"):
        comment.status = Comment.Status.PENDING
        comment.held_reason = _("Reported by %(n)d members.") % {
            "n": comment.open_reports
        }
        comment.save(update_fields=["status", "held_reason"])
        _content_changed(comment.article_id)
    if comment.open_reports == 1 or comment.status == Comment.Status.PENDING:
        _notify_moderators(comment, "reported")
    return report


MODERATION_ACTIONS = {
    "approve": Comment.Status.PUBLISHED,
    "reject": Comment.Status.REJECTED,
    "spam": Comment.Status.SPAM,
}


@transaction.atomic
def comments_moderate(*, comments: Iterable[Comment], action: str, moderator) -> int:
    """Approve, reject or mark as spam; resolves the comments' open reports."""
    if not policy.is_moderator(moderator):
        raise CommentRefused(_("You cannot moderate comments."), status=403)
    if action == "ban":
        return authors_ban(comments=comments, moderator=moderator)
    if action == "unban":
        return authors_unban(comments=comments)
    status = MODERATION_ACTIONS.get(action)
    if status is None:
        raise CommentRefused(_("Unknown moderation action."))
    now = timezone.now()
    changed = 0
    for comment in comments:
        if comment.status == Comment.Status.DELETED:
            continue
        was_visible = comment.is_visible
        comment.status = status
        comment.held_reason = ""
        comment.open_reports = 0
        comment.moderated_at, comment.moderated_by = now, moderator
        comment.save(
            update_fields=[
                "status",
                "held_reason",
                "open_reports",
                "moderated_at",
                "moderated_by",
            ]
        )
        Report.objects.filter(comment=comment, resolved_at=None).update(resolved_at=now)
        if comment.is_visible:
            _published(comment)
        elif was_visible:
            _content_changed(comment.article_id)
        changed += 1
    return changed


def authors_ban(*, comments: Iterable[Comment], moderator) -> int:
    """Ban the comments' authors; their comments awaiting review are rejected."""
    authors = {
        c.author for c in comments if c.author_id and c.author_id != moderator.pk
    }
    for author in authors:
        member_ban(user=author, reason=_("Banned by a moderator."))
        Comment.objects.filter(author=author, status=Comment.Status.PENDING).update(
            status=Comment.Status.REJECTED,
            moderated_at=timezone.now(),
            moderated_by=moderator,
        )
    return len(authors)


def authors_unban(*, comments: Iterable[Comment]) -> int:
    """Let the comments' authors post again (their rejected comments stay so)."""
    authors = {c.author for c in comments if c.author_id}
    for author in authors:
        member_unban(user=author)
    return len(authors)


def comments_remove_for_author(user) -> None:
    """Erase a departing member's comments, keeping other members' replies.

    A comment that anything else hangs from becomes an anonymous "deleted"
    placeholder; every other comment of theirs is deleted outright.
    """
    mine = Comment.objects.filter(author=user)
    articles = set(mine.values_list("article_id", flat=True))
    answered = set(
        Comment.objects.filter(parent__author=user).values_list("parent_id", flat=True)
    )
    for comment in mine:
        if comment.pk in answered:
            _blank(comment)
            comment.author = None
            comment.save(update_fields=[*_BLANKED, "author"])
        else:
            comment.delete()
    _content_changed(*articles)


def remove_comments_of_deleted_account(sender, *, user, **kwargs) -> None:
    """Answers accounts.signals.account_deleting (connected in apps.py)."""
    comments_remove_for_author(user)
