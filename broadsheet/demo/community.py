"""Demo members and threaded comments, loaded idempotently after the articles."""

import secrets
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from broadsheet.accounts.models import Member
from broadsheet.accounts.services import member_create, member_update
from broadsheet.comments.models import Comment
from broadsheet.comments.rendering import render_comment
from broadsheet.newsroom.models import ArticlePage


def load_community(content: dict, *, now: datetime) -> int:
    """Create the demo members and their comments; return comments created."""
    members = {spec["key"]: _member(spec) for spec in content["member"]}
    wanted = {spec["article"] for spec in content["comment"]}
    articles = {a.slug: a for a in ArticlePage.objects.filter(slug__in=wanted)}
    created, comments = 0, {}
    for spec in content["comment"]:
        article = articles.get(spec["article"])
        if article is None:
            continue
        # The file wraps lines for reading; the comment is one paragraph.
        text = " ".join(spec["text"].split())
        author = members[spec["author"]]
        comment = Comment.objects.filter(
            article=article, author=author, body=text
        ).first()
        if comment is None:
            comment = _comment(spec, article, author, text, comments, now=now)
            created += 1
        comments[spec["key"]] = comment
    return created


def _member(spec: dict):
    User = get_user_model()
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        # Demo members cannot sign in: nobody knows a password.
        user = User.objects.create_user(
            spec["email"].split("@")[0], spec["email"], secrets.token_urlsafe(24)
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(
            user=user, email=spec["email"], primary=True, verified=True
        )
    if not Member.objects.filter(user=user).exists():
        member = member_create(
            user=user,
            display_name=spec["display_name"],
            notify_replies=spec.get("notify_replies", False),
        )
        member_update(
            member=member,
            display_name=member.display_name,
            bio=spec.get("bio", ""),
            website=spec.get("website", ""),
            notify_replies=member.notify_replies,
        )
    return user


def _comment(spec, article, author, text, comments, *, now):
    reply_to = comments.get(spec.get("reply_to"))
    parent = reply_to
    if reply_to is not None and reply_to.depth >= 2:
        parent = reply_to.parent
    status = spec.get("status", "published")
    comment = Comment.objects.create(
        article=article,
        author=author,
        parent=parent,
        reply_to=reply_to,
        depth=parent.depth + 1 if parent else 0,
        body=text,
        body_html=render_comment(text),
        status=status,
        held_reason="A new member's first comments are reviewed."
        if status == Comment.Status.PENDING
        else "",
        # Demo replies are old news: nobody is emailed about them.
        reply_notified_at=now if reply_to else None,
    )
    comment.created_at = _comment_time(spec["hours_ago"], article, reply_to, now=now)
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at)
    return comment


def _comment_time(hours_ago, article, reply_to, *, now):
    """When the demo says it was written, but never before what it answers.

    Articles are dated relative to the day they are loaded (some this
    morning), so a comment "20 hours ago" may predate its article: it then
    comes a few minutes after the article, or the comment it replies to, and
    never later than now.
    """
    after = reply_to.created_at if reply_to is not None else article.first_published_at
    wanted = now - timedelta(hours=hours_ago)
    earliest = after + timedelta(minutes=7)
    if earliest < now:
        return min(max(wanted, earliest), now)
    return after + (now - after) / 2  # published moments ago: in between
