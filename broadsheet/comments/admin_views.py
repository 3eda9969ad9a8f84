"""The moderation queue in the Wagtail admin: filter, then act on many at once."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from broadsheet.comments import policy, selectors, services
from broadsheet.comments.models import Comment
from broadsheet.core.admin_pages import admin_page
from broadsheet.core.pagination import paginate

FILTERS = {
    "review": (_("Needs review"), selectors.review_queue),
    "pending": (
        _("Held"),
        lambda: Comment.objects.filter(status=Comment.Status.PENDING),
    ),
    "reported": (_("Reported"), lambda: Comment.objects.filter(open_reports__gt=0)),
    "published": (
        _("Published"),
        lambda: Comment.objects.filter(status=Comment.Status.PUBLISHED),
    ),
    "rejected": (
        _("Rejected"),
        lambda: Comment.objects.filter(status=Comment.Status.REJECTED),
    ),
    "spam": (_("Spam"), lambda: Comment.objects.filter(status=Comment.Status.SPAM)),
}
ACTIONS = [
    ("approve", _("Approve")),
    ("reject", _("Reject")),
    ("spam", _("Mark as spam")),
    ("ban", _("Ban author")),
    ("unban", _("Lift ban")),
]


def queue(request):
    if not policy.is_moderator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _act(request)
    show = request.GET.get("show", "review")
    if show not in FILTERS:
        show = "review"
    comments = FILTERS[show][1]()
    query = request.GET.get("q", "").strip()[:200]
    if query:
        comments = comments.filter(
            Q(body__icontains=query)
            | Q(article__title__icontains=query)
            | Q(author__member__display_name__icontains=query)
            | Q(author__email__iexact=query)
        )
    comments = comments.select_related("article", "author__member").prefetch_related(
        "reports"
    )
    page = paginate(request, comments.order_by("-created_at", "-pk"), per_page=50)
    for comment in page:
        comment.row_actions = row_actions(comment, viewer=request.user)
    return admin_page(
        request,
        "comments/admin/queue.html",
        {
            "page_obj": page,
            "filters": [(key, label) for key, (label, _q) in FILTERS.items()],
            "show": show,
            "query": query,
            "actions": ACTIONS,
        },
        title=_("Comments"),
        icon="comment",
    )


def row_actions(comment: Comment, *, viewer) -> list[tuple[str, str]]:
    """The actions that would change something for this one comment.

    (Moderators cannot ban themselves: services.authors_ban skips them.)
    """
    useless = {
        Comment.Status.PUBLISHED: {"approve"},
        Comment.Status.REJECTED: {"reject"},
        Comment.Status.SPAM: {"spam"},
        Comment.Status.DELETED: {"approve", "reject", "spam"},
    }.get(comment.status, set())
    member = getattr(comment.author, "member", None) if comment.author else None
    if member is None or comment.author_id == viewer.pk:
        useless |= {"ban", "unban"}
    else:
        useless.add("ban" if member.is_banned else "unban")
    return [(value, label) for value, label in ACTIONS if value not in useless]


def _act(request):
    action = request.POST.get("action", "")
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    single = request.POST.get("single", "")
    if ":" in single:  # a row's own button: "<id>:<action>"
        pk, action = single.split(":", 1)
        ids = [int(pk)] if pk.isdigit() else []
    back = request.POST.get("next") or "."
    if not back.startswith("/admin/comments/"):
        back = "."
    if not ids:
        messages.error(request, _("Select at least one comment."))
        return redirect(back)
    comments = list(Comment.objects.filter(pk__in=ids).select_related("author"))
    try:
        changed = services.comments_moderate(
            comments=comments, action=action, moderator=request.user
        )
    except services.CommentRefused as refused:
        messages.error(request, refused.message)
    else:
        label = dict(ACTIONS).get(action, action)
        messages.success(
            request, _("%(action)s: %(n)d done.") % {"action": label, "n": changed}
        )
    return redirect(back)
