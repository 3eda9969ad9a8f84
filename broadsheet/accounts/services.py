"""Members: create, change, ban, and delete with everything personal."""

from allauth.account.models import EmailAddress
from anyascii import anyascii
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from broadsheet.accounts import names
from broadsheet.accounts.models import Member
from broadsheet.accounts.signals import account_deleting
from broadsheet.core.caching import reader_content_changed
from broadsheet.core.text import without_bidi_controls


class AccountExists(Exception):
    pass


class NameTaken(Exception):
    pass


def display_name_problem(raw: str, *, member: Member | None = None) -> str:
    """Return the normalised name or raise ValidationError / NameTaken."""
    name = names.validate_display_name(raw)
    taken = Member.objects.filter(name_key=names.lookalike_key(name))
    if member is not None:
        taken = taken.exclude(pk=member.pk)
    if taken.exists():
        raise NameTaken(_("That name, or one that looks like it, is taken."))
    return name


def _unique_handle(name: str, *, member: Member | None = None) -> str:
    base = slugify(anyascii(name))[:50] or "member"
    handle, n = base, 1
    others = Member.objects.exclude(pk=member.pk) if member else Member.objects
    while others.filter(handle=handle).exists():
        n += 1
        handle = f"{base}-{n}"
    return handle


@transaction.atomic
def member_create(*, user, display_name: str, notify_replies: bool = False) -> Member:
    name = display_name_problem(display_name)
    return Member.objects.create(
        user=user,
        display_name=name,
        name_key=names.lookalike_key(name),
        handle=_unique_handle(name),
        notify_replies=notify_replies,
    )


def member_for(user) -> Member:
    """Return the user's member profile, making one for staff created elsewhere.

    The name is the user's full name, else their username; a reserved or
    invalid one ("admin") gives "Member <id>" rather than a near copy of it
    ("admin 2") on the masthead and beside their comments.
    """
    member = Member.objects.filter(user=user).first()
    if member is not None:
        return member
    base = user.get_full_name() or user.get_username()
    try:
        names.validate_display_name(base)
    except names.ValidationError:
        tries = []
    else:
        tries = [base, *(f"{base} {n}" for n in range(2, 50))]
    tries += [f"Member {user.pk}", *(f"Member {user.pk}.{n}" for n in range(2, 50))]
    for candidate in tries:
        try:
            return member_create(user=user, display_name=candidate)
        except (NameTaken, names.ValidationError):
            continue
    raise NameTaken(f"No free display name for user {user.pk}")


def staff_ready_to_sign_in(user) -> Member:
    """Staff sign in like members, by a verified address: mark the user's verified.

    For accounts made by someone who already controls the site (the command
    line, the demo), so no confirmation mail is needed.
    """
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return member_for(user)


@transaction.atomic
def admin_create(*, email: str, password: str, name: str = ""):
    """Create a superuser who can sign in at once (the first administrator)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountExists(_("An account with this email address already exists."))
    first, _space, last = name.strip().partition(" ")
    username = email.split("@")[0][:100] or "admin"
    while User.objects.filter(username=username).exists():
        username = f"{username}-{User.objects.count()}"
    user = User.objects.create_superuser(
        username, email, password, first_name=first, last_name=last
    )
    staff_ready_to_sign_in(user)
    return user


@transaction.atomic
def member_update(
    *, member: Member, display_name: str, bio: str, website: str, notify_replies: bool
) -> Member:
    # Read the stored row: a bound ModelForm has already changed ``member``.
    member = Member.objects.select_for_update().get(pk=member.pk)
    name = display_name_problem(display_name, member=member)
    if name != member.display_name:
        member.display_name = name
        member.name_key = names.lookalike_key(name)
        member.handle = _unique_handle(name, member=member)
    member.bio = without_bidi_controls(bio).strip()
    member.website = website
    member.notify_replies = notify_replies
    member.save()
    _content_changed()  # the name shows beside published comments
    return member


def _content_changed() -> None:
    reader_content_changed()


def member_ban(*, user, reason: str) -> None:
    member = member_for(user)
    member.banned_at = timezone.now()
    member.ban_reason = reason[:200]
    member.save(update_fields=["banned_at", "ban_reason"])


def member_unban(*, user) -> None:
    Member.objects.filter(user=user).update(banned_at=None, ban_reason="")


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and everything personal in it.

    Comments go with it, except those others replied to, which stay as
    anonymous "deleted" placeholders so the replies still make sense (the
    comments app does that, answering ``account_deleting``). The profile,
    email addresses and two-factor devices are deleted.
    """
    account_deleting.send(sender=Member, user=user)
    EmailAddress.objects.filter(user=user).delete()
    # Cascades to the profile and two-factor devices. Sessions elsewhere name
    # a user id that no longer exists, so they are signed out on next use.
    user.delete()
