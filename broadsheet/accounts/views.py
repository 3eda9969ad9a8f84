from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from broadsheet.accounts import extensions, services
from broadsheet.accounts.avatars import avatar_svg
from broadsheet.accounts.forms import DeleteAccountForm, ProfileForm
from broadsheet.accounts.models import Member
from broadsheet.newsletter.selectors import newsletter_choices


def admin_login(request):
    """Send the admin's sign-in to the member sign-in, back to the admin after."""
    return _to_member_sign_in(request, reverse("wagtailadmin_home"))


def frontend_login(request):
    """Wagtail's sign-in for private pages (/_util/login/), as the member sign-in.

    Wagtail routes it to Django's LoginView, which would open a session
    without allauth's two-factor step or rate limits.
    """
    return _to_member_sign_in(request, "/")


def _to_member_sign_in(request, default_next: str):
    """Whatever was posted is dropped: credentials are only taken by allauth."""
    query = request.GET.copy()
    query.setdefault("next", default_next)
    return redirect(f"{reverse('account_login')}?{query.urlencode()}")


@login_required
def profile(request):
    """The member's own account page: public profile and email preferences."""
    member = services.member_for(request.user)
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.member_update(
            member=member,
            display_name=form.cleaned_data["display_name"],
            bio=form.cleaned_data["bio"],
            website=form.cleaned_data["website"],
            notify_replies=form.cleaned_data["notify_replies"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    if request.method == "POST":
        member.refresh_from_db()
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "form": form,
            "newsletter_form": newsletter_choices(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account and personal data are deleted."))
        return redirect("/")
    return render(
        request,
        "accounts/delete.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def member_page(request, handle: str):
    """A member's public profile and what other apps add (comments: theirs)."""
    member = get_object_or_404(
        Member.objects.select_related("user"), handle=handle, user__is_active=True
    )
    context = {"member": member}
    extensions.extend_member_page_context(member, request, context)
    return render(request, "accounts/member.html", context)


@cache_control(public=True, max_age=365 * 24 * 60 * 60, immutable=True)
def avatar(request, seed: str):
    return HttpResponse(avatar_svg(seed), content_type="image/svg+xml")


def display_name(user) -> str:
    """How allauth names a user in its messages ("Signed in as …")."""
    member = getattr(user, "member", None)
    return member.display_name if member else user.email or user.get_username()
