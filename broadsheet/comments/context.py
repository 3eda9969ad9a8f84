"""What an article page needs to show its conversation."""

from broadsheet.comments import policy, selectors
from broadsheet.comments.forms import CommentForm


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
    thread = selectors.thread_for(article, viewer=viewer, sort=sort)
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


def _mark_permissions(nodes, viewer) -> None:
    for node in nodes:
        node.can_edit = policy.can_edit(node.comment, viewer)
        node.can_delete = policy.can_delete(node.comment, viewer)
        _mark_permissions(node.replies, viewer)
