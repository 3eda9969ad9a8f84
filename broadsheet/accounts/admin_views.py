"""Inviting staff from the admin (Settings → Invite staff)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from broadsheet.accounts import staff
from broadsheet.core import roles
from broadsheet.core.admin_pages import admin_page

INVITE = "auth.add_user"

ROLE_HELP = {
    roles.CONTRIBUTOR: _(
        "Writes and edits their own drafts and submits them for review."
    ),
    roles.AUTHOR: _("Also publishes, schedules and unpublishes their own articles."),
    roles.EDITOR: _(
        "Also edits and publishes anything, moderates comments and sends newsletters."
    ),
    roles.ADMINISTRATOR: _("Also runs settings, users, redirects and imports."),
}


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role, f"{role}: {ROLE_HELP[role]}") for role in roles.ROLES],
        widget=forms.RadioSelect,
        initial=roles.CONTRIBUTOR,
    )

    def clean(self):
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if not email or not role:
            return cleaned
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None and existing.is_superuser:
            raise forms.ValidationError(
                _("%(email)s is a superuser, who can already do everything.")
                % {"email": email}
            )
        if existing is not None and roles.role_of(existing) == role:
            raise forms.ValidationError(
                _("%(email)s is already %(role)s.") % {"email": email, "role": role}
            )
        return cleaned


def invite(request):
    if not request.user.has_perm(INVITE):
        raise PermissionDenied
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = staff.invite_staff(**form.cleaned_data, invited_by=request.user)
        data = {"email": invitation.user.email, "role": form.cleaned_data["role"]}
        if invitation.new_account:
            text = _("Invitation sent to %(email)s, as %(role)s.")
        else:
            text = _("%(email)s already had an account: they are now %(role)s.")
        messages.success(request, text % data)
        return redirect("staff_invite")
    return admin_page(
        request,
        "accounts/admin/invite.html",
        {"form": form},
        title=_("Invite staff"),
        icon="user",
        status=400 if form.errors else 200,
    )
