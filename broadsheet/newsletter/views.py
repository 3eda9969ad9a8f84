"""Readers' side of the newsletters: subscribe, confirm, manage, leave, read."""

import re

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from broadsheet.core import audience
from broadsheet.core.pagination import paginate
from broadsheet.newsletter import services, tokens
from broadsheet.newsletter.compose import issue_articles
from broadsheet.newsletter.forms import ManageForm, SubscribeForm
from broadsheet.newsletter.models import Issue, Newsletter, Subscriber


def signup(request):
    """The newsletter page; the signup boxes on other pages post here too."""
    form = SubscribeForm(request.POST or None)
    errors, status = [], 200
    if request.method == "POST":
        if not ratelimit.consume(request, action="newsletter"):
            errors = [_("Too many sign-ups from here. Try again in a few minutes.")]
            status = 429
        elif form.is_valid():
            try:
                result = _subscribe(request, form.cleaned_data)
            except services.BadAddress as problem:
                errors, status = [str(problem)], 400
            else:
                # Attributed to the page the form was on (the Referer).
                audience.note("signup", request)
                own = (
                    request.user.is_authenticated
                    and result.subscriber.user_id == request.user.pk
                    and result.subscriber.status == Subscriber.Status.ACTIVE
                )
                if own:  # a member's verified address: straight to their choices
                    return redirect("newsletter:manage", token=result.subscriber.token)
                return redirect("newsletter:check_inbox")
        else:
            errors = [m for field in form.errors.values() for m in field]
            status = 400
    return render(
        request,
        "newsletter/signup.html",
        {
            "form": form,
            "errors": errors,
            "newsletters": Newsletter.objects.filter(is_active=True),
        },
        status=status,
    )


def _subscribe(request, data):
    user = request.user if request.user.is_authenticated else None
    confirmed = user is not None and _is_verified_address(user, data["email"])
    result = services.subscribe(
        email=data["email"],
        newsletters=data["newsletters"],
        user=user if confirmed else None,
        confirmed=confirmed,
        source="member" if confirmed else "form",
    )
    if confirmed:
        messages.success(request, _("You are subscribed."))
    return result


def _is_verified_address(user, email: str) -> bool:
    return EmailAddress.objects.filter(
        user=user, email__iexact=email.strip(), verified=True
    ).exists()


def check_inbox(request):
    # The same page whether the address was new, pending or already active:
    # the form must not reveal who subscribes.
    return render(request, "newsletter/check_inbox.html")


def confirm(request, key: str):
    try:
        token = tokens.token_from_confirmation_key(key)
    except tokens.LinkExpired:
        return _link_problem(request, _("This confirmation link has expired."))
    except tokens.LinkInvalid:
        return _link_problem(request, _("This confirmation link is not valid."))
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return _link_problem(request, _("This confirmation link is not valid."))
    if request.method == "POST":
        services.confirm(key)
        return _personal(
            render(
                request,
                "newsletter/confirmed.html",
                {"subscriber": subscriber, "newsletters": subscriber.newsletters.all()},
            )
        )
    # Mail scanners open links; only a person pressing the button confirms.
    return _personal(
        render(request, "newsletter/confirm.html", {"subscriber": subscriber})
    )


def _link_problem(request, message: str):
    return render(
        request,
        "newsletter/link_problem.html",
        {"message": message, "form": SubscribeForm()},
        status=400,
    )


# Tokens and newsletter slugs share one alphabet; anything else is no match.
URL_WORD = re.compile(r"[A-Za-z0-9_-]{1,60}")


def _subscriber(token: str) -> Subscriber:
    if not URL_WORD.fullmatch(token):
        raise Http404
    return get_object_or_404(Subscriber, token=token)


def _personal(response):
    """Pages that show a subscriber's address are never kept by any cache."""
    response["Cache-Control"] = "private, no-store"
    return response


def manage(request, token: str):
    subscriber = _subscriber(token)
    current = subscriber.newsletters.all()
    form = ManageForm(
        request.POST if request.method == "POST" else None,
        initial={"newsletters": current},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["newsletters"]
        services.set_subscriptions(subscriber, chosen)
        lapsed = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED)
        if chosen and subscriber.status in lapsed:
            services.subscribe(
                email=subscriber.email, newsletters=chosen, source="manage"
            )
            messages.info(request, _("Confirm your address: we sent you a link."))
        else:
            messages.success(request, _("Your choices are saved."))
        return redirect("newsletter:manage", token=token)
    return _personal(
        render(
            request,
            "newsletter/manage.html",
            {"subscriber": subscriber, "form": form},
        )
    )


@csrf_exempt  # RFC 8058: mail clients POST here without cookies or a token
def unsubscribe(request, token: str):
    subscriber = _subscriber(token)
    slug = request.GET.get("n", "")
    newsletter = (
        Newsletter.objects.filter(slug=slug).first()
        if URL_WORD.fullmatch(slug)
        else None
    )
    context = {"subscriber": subscriber, "newsletter": newsletter}
    if request.method == "POST":
        services.unsubscribe(subscriber, newsletter)
        return _personal(render(request, "newsletter/unsubscribed.html", context))
    return _personal(render(request, "newsletter/unsubscribe.html", context))


@login_required
@require_POST
def member_subscriptions(request):
    """Members with a confirmed address subscribe in one click."""
    form = ManageForm(request.POST)
    if form.is_valid():
        subscriber = Subscriber.objects.filter(
            email_key=services.address_key(request.user.email)
        ).first()
        chosen = form.cleaned_data["newsletters"]
        if subscriber is not None:
            services.set_subscriptions(subscriber, chosen)
        try:
            if chosen:
                services.subscribe(
                    email=request.user.email,
                    newsletters=chosen,
                    user=request.user,
                    confirmed=_is_verified_address(request.user, request.user.email),
                    source="member",
                )
        except services.BadAddress as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, _("Your newsletter choices are saved."))
    return redirect("accounts:profile")


def archive(request, slug: str):
    newsletter = get_object_or_404(Newsletter, slug=slug)
    issues = paginate(
        request,
        newsletter.issues.filter(status=Issue.Status.SENT).order_by("-sent_at"),
        per_page=20,
    )
    return render(
        request, "newsletter/archive.html", {"newsletter": newsletter, "issues": issues}
    )


def issue_page(request, slug: str, pk: int):
    issue = get_object_or_404(
        Issue.objects.select_related("newsletter"),
        pk=pk,
        newsletter__slug=slug,
        status__in=[Issue.Status.SENDING, Issue.Status.SENT],
    )
    return render(
        request,
        "newsletter/issue_page.html",
        {
            "issue": issue,
            "newsletter": issue.newsletter,
            "articles": issue_articles(issue),
        },
    )
