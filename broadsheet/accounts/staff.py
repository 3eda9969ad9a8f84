"""Inviting staff: an account with a role, and a mail to sign in with.

A new person gets an account without a password and a link to choose one
(allauth's password reset link, valid for PASSWORD_RESET_TIMEOUT); from
then on they sign in like everyone else, with two-factor authentication if
they turn it on. Someone who already has an account, a reader say, gets the
role and a mail saying so. Either way the address is taken as verified:
only whoever holds the mail can use the link, as with a confirmation.
"""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from broadsheet.core import roles
from broadsheet.core.mail import public_url, render_message, send_later


@dataclass(frozen=True)
class Invitation:
    user: object
    new_account: bool


def set_role(user, role: str) -> None:
    """Give ``user`` exactly one role: ``role``."""
    user.groups.remove(*Group.objects.filter(name__in=roles.ROLES))
    user.groups.add(Group.objects.get(name=role))


@transaction.atomic
def invite_staff(
    *, email: str, first_name: str, last_name: str, role: str, invited_by
) -> Invitation:
    email = email.strip()
    address = (
        EmailAddress.objects.select_related("user").filter(email__iexact=email).first()
    )
    User = get_user_model()
    if address is not None:
        user, new_account = address.user, False
    elif (user := User.objects.filter(email__iexact=email).first()) is not None:
        new_account = False
    else:
        user = User(
            username=get_adapter().generate_unique_username(
                [first_name, last_name, email]
            ),
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_unusable_password()
        user.save()
        new_account = True
    # Verified either way; primary only if the account has no primary yet
    # (a reader invited at a second address keeps their main one).
    has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=email,
        defaults={"email": email, "verified": True},
        create_defaults={"email": email, "verified": True, "primary": not has_primary},
    )
    set_role(user, role)
    _send_invitation(user, role, invited_by, new_account)
    return Invitation(user, new_account)


def _send_invitation(user, role: str, invited_by, new_account: bool) -> None:
    if new_account:
        action_url = public_url(
            reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(user),
                    "key": default_token_generator.make_token(user),
                },
            )
        )
    else:
        action_url = public_url(reverse("wagtailadmin_home"))
    site_name = settings.WAGTAIL_SITE_NAME
    context = {
        "user": user,
        "role": role,
        "site_name": site_name,
        "inviter": invited_by.get_full_name() or invited_by.email,
        "new_account": new_account,
        "action_url": action_url,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_later(
        render_message(
            "accounts/email/staff_invitation",
            context,
            to=[user.email],
            subject=f"You are invited to {site_name} as {_article(role)} {role}",
        )
    )


def _article(word: str) -> str:
    return "an" if word[0] in "AEIOU" else "a"
