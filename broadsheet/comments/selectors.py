"""Read queries for comments. Each page's comments cost one query, however many."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from broadsheet.comments.models import Comment
from broadsheet.core.visibility import visible_page_ids
from broadsheet.newsroom.models import ArticlePage

SORTS = ("oldest", "newest")


@dataclass
class Node:
    comment: Comment
    replies: list["Node"] = field(default_factory=list)

    @property
    def is_placeholder(self) -> bool:
        return self.comment.status == Comment.Status.DELETED


@dataclass
class Thread:
    nodes: list[Node]
    count: int  # published comments


def thread_for(article, *, viewer=None, sort: str = "oldest") -> Thread:
    """Return the article's comments as a tree, in one query.

    Readers see published comments, and placeholders for deleted ones that
    still have visible replies; a member also sees their own comments that
    await moderation.
    """
    shown = Q(status__in=[Comment.Status.PUBLISHED, Comment.Status.DELETED])
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(status=Comment.Status.PENDING, author=viewer)
    comments = list(
        Comment.objects.filter(shown, article=article)
        .select_related("author__member")
        .order_by("created_at", "pk")
    )
    nodes = {c.pk: Node(c) for c in comments}
    roots = []
    for comment in comments:
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id)
        if comment.parent_id is None:
            roots.append(node)
        elif parent is not None:
            parent.replies.append(node)
        # A reply whose parent is hidden (rejected, spam) is hidden with it.
    roots = [node for node in roots if _prune(node)]
    if sort == "newest":
        roots.reverse()
    count = sum(1 for c in comments if c.status == Comment.Status.PUBLISHED)
    return Thread(nodes=roots, count=count)


def _prune(node: Node) -> bool:
    """Drop placeholders with nothing visible under them; True if node stays."""
    node.replies = [child for child in node.replies if _prune(child)]
    return not node.is_placeholder or bool(node.replies)


def with_comment_counts(articles: QuerySet) -> QuerySet:
    """Annotate each article with its number of published comments."""
    published = (
        Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.PUBLISHED)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(comment_count=Coalesce(Subquery(published), 0))


def published_by(user) -> QuerySet:
    """Return the member's published comments on articles readers may see."""
    return (
        Comment.objects.filter(
            author=user,
            status=Comment.Status.PUBLISHED,
            article__in=visible_page_ids(ArticlePage),
        )
        .select_related("article")
        .order_by("-created_at", "-pk")
    )


def review_queue() -> QuerySet:
    """Comments waiting for a moderator: held, or published but reported."""
    return Comment.objects.filter(
        Q(status=Comment.Status.PENDING) | Q(open_reports__gt=0)
    ).exclude(status=Comment.Status.DELETED)


def review_count() -> int:
    return review_queue().count()
