"""Comment forms for members. Every refusal is a page that says why and keeps
what was written; nothing a member typed is thrown away."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from broadsheet.comments import policy, services
from broadsheet.comments.forms import CommentEditForm, CommentForm, ReportForm
from broadsheet.comments.models import Comment
from broadsheet.core.visibility import visible_page_ids, visible_pages
from broadsheet.newsroom.models import ArticlePage


def _live_article(article_id: int) -> ArticlePage:
    return get_object_or_404(visible_pages(ArticlePage.objects.all()), pk=article_id)


def _comment_for(request, pk: int) -> Comment:
    """Return a comment this person may see: published, or their own."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author__member"),
        pk=pk,
        article__in=visible_page_ids(ArticlePage),
    )
    own = request.user.is_authenticated and comment.author_id == request.user.pk
    if not (comment.is_visible or own):
        raise Http404
    return comment


def _form_page(request, article, form, *, errors, status, reply_to=None, title=None):
    return render(
        request,
        "comments/form_page.html",
        {
            "article": article,
            "form": form,
            "errors": errors,
            "reply_to": reply_to,
            "title": title or _("Your comment"),
        },
        status=status,
    )


@require_POST
def post_comment(request, article_id: int):
    article = _live_article(article_id)
    if not request.user.is_authenticated:
        return redirect_to_login(article.url)
    form = CommentForm(request.POST)
    reply_to = None
    if form.is_valid() and form.cleaned_data["reply_to"]:
        reply_to = Comment.objects.filter(
            pk=form.cleaned_data["reply_to"], article=article
        ).first()
        if reply_to is None:
            form.add_error(None, _("The comment you replied to no longer exists."))
    if not form.is_valid():
        return _form_page(
            request,
            article,
            form.again(),
            errors=form.messages(),
            status=400,
            reply_to=reply_to,
        )
    if not ratelimit.consume(request, action="comment", user=request.user):
        return _form_page(
            request,
            article,
            form.again(),
            errors=[_("You are commenting too fast. Wait a minute, then post again.")],
            status=429,
            reply_to=reply_to,
        )
    try:
        comment = services.comment_post(
            author=request.user,
            article=article,
            text=form.cleaned_data["text"],
            reply_to=reply_to,
        )
    except services.CommentRefused as refused:
        return _form_page(
            request,
            article,
            form.again(),
            errors=[refused.message],
            status=refused.status,
            reply_to=reply_to,
        )
    # A held comment says so itself, where the reader lands (#comment-N):
    # a message at the top of the page as well would say it twice.
    if comment.status != Comment.Status.PENDING:
        messages.success(request, _("Your comment is published."))
    return redirect(f"{article.url}#comment-{comment.pk}")


def reply(request, pk: int):
    """The reply form on a page of its own, for readers without JavaScript."""
    comment = _comment_for(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = policy.posting_refusal(request.user, comment.article)
    if refusal or not comment.is_visible:
        errors = [refusal or _("You can only reply to a published comment.")]
        return _form_page(
            request,
            comment.article,
            None,
            errors=errors,
            status=403,
            reply_to=comment,
        )
    form = CommentForm(initial={"reply_to": comment.pk})
    return _form_page(
        request,
        comment.article,
        form,
        errors=[],
        status=200,
        reply_to=comment,
        title=_("Reply"),
    )


def edit(request, pk: int):
    comment = _comment_for(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    errors, status = [], 200
    if not policy.can_edit(comment, request.user):
        errors, status = [_("You can no longer edit this comment.")], 403
    form = CommentEditForm(request.POST or None, initial={"text": comment.body})
    if request.method == "POST" and not errors:
        if form.is_valid():
            try:
                services.comment_edit(
                    comment=comment, editor=request.user, text=form.cleaned_data["text"]
                )
            except services.CommentRefused as refused:
                errors, status = [refused.message], refused.status
            else:
                messages.success(request, _("Your comment is updated."))
                return redirect(f"{comment.article.url}#comment-{comment.pk}")
        else:
            errors, status = form.messages(), 400
        form = form.again()
    return render(
        request,
        "comments/edit.html",
        {
            "comment": comment,
            "form": form,
            "errors": errors,
            "can_edit": status != 403,
            "edit_minutes": policy.setting("EDIT_MINUTES"),
        },
        status=status,
    )


def delete(request, pk: int):
    comment = _comment_for(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can_delete(comment, request.user):
        return render(
            request,
            "comments/delete.html",
            {"comment": comment, "error": _("You can only delete your own comments.")},
            status=403,
        )
    if request.method == "POST":
        services.comment_delete(comment=comment, by=request.user)
        messages.success(request, _("Your comment is deleted."))
        return redirect(comment.article.url + "#comments")
    return render(request, "comments/delete.html", {"comment": comment})


def report(request, pk: int):
    comment = _comment_for(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReportForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="report", user=request.user):
            error, status = _("You have sent many reports. Try again later."), 429
        else:
            try:
                services.comment_report(
                    comment=comment,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except services.CommentRefused as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(
                    request, _("Thank you. A moderator will look at this comment.")
                )
                return redirect(f"{comment.article.url}#comment-{comment.pk}")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "comments/report.html",
        {"comment": comment, "form": form, "error": error},
        status=status,
    )
