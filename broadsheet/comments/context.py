"""What other apps' pages show of the conversation.

Registered in apps.py with newsroom (an article's thread) and accounts (a
member's comments), which do not import comments.
"""

from django.core.cache import caches

from broadsheet.comments import policy, selectors
from broadsheet.comments.forms import CommentForm
from broadsheet.core.chrome import content_version
from broadsheet.core.pagination import paginate

MEMBER_PAGE_SIZE = 20
THREAD_KEEP_SECONDS = 24 * 60 * 60


def article_comments(request, article) -> dict:
    """Return the thread, the sort order and, for those allowed, the form.

    For an anonymous reader this touches nothing personal and makes one
    query, so the page stays shareable by caches.
    """
    if article.pk is None:  # an editor's preview of a new article
        return {"thread": selectors.Thread(nodes=[], count=0), "closed": True}
    viewer = request.user
    sort = request.GET.get("comments")
    sort = sort if sort in selectors.SORTS else "oldest"
    if viewer.is_authenticated:
        thread = selectors.thread_for(article, viewer=viewer, sort=sort)
    else:
        thread = _public_thread(request, article, sort)
    refusal = policy.posting_refusal(viewer, article)
    if viewer.is_authenticated:
        _mark_permissions(thread.nodes, viewer)
    return {
        "thread": thread,
        "sort": sort,
        "refusal": refusal,
        "form": None if refusal else CommentForm(),
        "closed": policy.closed_reason(article) is not None,
    }


def _public_thread(request, article, sort: str) -> selectors.Thread:
    """What every anonymous reader sees, kept per process and content version.

    Every change a thread can show (a comment posted, moderated, edited or
    deleted; a member renamed) bumps the content version, so a kept thread
    is never stale.
    """
    version = content_version(request).isoformat()
    key = f"broadsheet:thread:{article.pk}:{sort}:{version}"
    return caches["local"].get_or_set(
        key,
        lambda: selectors.thread_for(article, viewer=None, sort=sort),
        THREAD_KEEP_SECONDS,
    )


def add_article_comments(article, request, context: dict) -> None:
    """An article page: its thread, sort order and form (see article_comments)."""
    context["comments"] = article_comments(request, article)


def _mark_permissions(nodes, viewer) -> None:
    for node in nodes:
        node.can_edit = policy.can_edit(node.comment, viewer)
        node.can_delete = policy.can_delete(node.comment, viewer)
        _mark_permissions(node.replies, viewer)


def add_member_comments(member, request, context: dict) -> None:
    """A member's public page: their published comments, newest first."""
    context["comments"] = paginate(
        request, selectors.published_by(member.user), per_page=MEMBER_PAGE_SIZE
    )
