"""Subscribing and leaving: double opt-in, one-click unsubscribe, imports."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from broadsheet.core.mail import send_later
from broadsheet.newsletter import tokens
from broadsheet.newsletter.addresses import BadAddress, address_key, clean_address
from broadsheet.newsletter.mail import confirmation_message
from broadsheet.newsletter.models import Newsletter, Subscriber, Subscription

# A confirmation email is sent again at most this often for one address.
RESEND_AFTER_SECONDS = 10 * 60


@dataclass
class SubscribeResult:
    subscriber: Subscriber
    confirmation_sent: bool


@transaction.atomic
def subscribe(
    *, email: str, newsletters, source: str = "form", user=None, confirmed=False
) -> SubscribeResult:
    """Ask for these newsletters at this address.

    Unless ``confirmed`` (a member's verified address, an import with
    consent), the newsletters are only added once the address confirms, so
    nobody can add lists to someone else's subscription. The answer is the
    same whether or not the address was known: the form cannot be used to
    find out who subscribes.
    """
    address = clean_address(email)
    newsletters = list(newsletters)
    if not newsletters:
        raise BadAddress(_("Choose at least one newsletter."))
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        email_key=address_key(address),
        defaults={"email": address, "source": source, "user": user},
    )
    if user is not None and subscriber.user_id is None:
        subscriber.user = user
        subscriber.save(update_fields=["user"])
    if confirmed:
        _add(subscriber, [n.pk for n in newsletters])
        if subscriber.status != Subscriber.Status.ACTIVE:
            _activate(subscriber)
        return SubscribeResult(subscriber, confirmation_sent=False)
    have = set(subscriber.newsletters.values_list("pk", flat=True))
    wanted = [n.pk for n in newsletters if n.pk not in have]
    if subscriber.status == Subscriber.Status.ACTIVE and not wanted:
        return SubscribeResult(subscriber, confirmation_sent=False)
    subscriber.pending_newsletters = sorted(
        set(subscriber.pending_newsletters) | set(wanted)
    )
    if subscriber.status != Subscriber.Status.ACTIVE:
        # New, unsubscribed or bouncing: only a confirmation brings them in.
        subscriber.status = Subscriber.Status.PENDING
    subscriber.save(update_fields=["pending_newsletters", "status"])
    return SubscribeResult(subscriber, confirmation_sent=send_confirmation(subscriber))


def _add(subscriber: Subscriber, newsletter_ids) -> None:
    for pk in newsletter_ids:
        Subscription.objects.get_or_create(subscriber=subscriber, newsletter_id=pk)


def send_confirmation(subscriber: Subscriber) -> bool:
    """Email the confirmation link, unless one went out a few minutes ago."""
    now = timezone.now()
    recent = subscriber.confirmation_sent_at and (
        (now - subscriber.confirmation_sent_at).total_seconds() < RESEND_AFTER_SECONDS
    )
    if recent:
        return False
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at"])
    send_later(confirmation_message(subscriber))
    return True


def _activate(subscriber: Subscriber) -> None:
    now = timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.bounced_at = None
    subscriber.bounce_reason = ""
    subscriber.save(
        update_fields=[
            "status",
            "confirmed_at",
            "unsubscribed_at",
            "bounced_at",
            "bounce_reason",
        ]
    )


@transaction.atomic
def confirm(key: str) -> Subscriber:
    """Activate the subscriber a confirmation link names.

    Raises tokens.LinkExpired or tokens.LinkInvalid; confirming twice is fine.
    """
    token = tokens.token_from_confirmation_key(key)
    subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
    if subscriber is None:
        raise tokens.LinkInvalid
    existing = Newsletter.objects.filter(pk__in=subscriber.pending_newsletters)
    _add(subscriber, existing.values_list("pk", flat=True))
    if subscriber.pending_newsletters:
        subscriber.pending_newsletters = []
        subscriber.save(update_fields=["pending_newsletters"])
    if subscriber.status != Subscriber.Status.ACTIVE:
        _activate(subscriber)
    return subscriber


@transaction.atomic
def unsubscribe(subscriber: Subscriber, newsletter: Newsletter | None = None) -> None:
    """Stop mail at once: from one newsletter, or (None) from all of them."""
    subscriptions = Subscription.objects.filter(subscriber=subscriber)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    subscriptions.delete()
    if not Subscription.objects.filter(subscriber=subscriber).exists():
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
            pending_newsletters=[],
        )


@transaction.atomic
def set_subscriptions(subscriber: Subscriber, newsletters) -> None:
    """Keep exactly these newsletters for the subscriber (the manage page)."""
    wanted = {n.pk for n in newsletters}
    # Only newsletters on offer are on the form; paused ones stay as they are.
    Subscription.objects.filter(
        subscriber=subscriber, newsletter__is_active=True
    ).exclude(newsletter_id__in=wanted).delete()
    _add(subscriber, wanted)
    if not Subscription.objects.filter(subscriber=subscriber).exists():
        unsubscribe(subscriber)


def mark_bouncing(subscriber_id: int, reason: str) -> None:
    """Stop mailing an address the server refused for good, until it re-confirms."""
    Subscriber.objects.filter(pk=subscriber_id).update(
        status=Subscriber.Status.BOUNCED,
        bounced_at=timezone.now(),
        bounce_reason=reason[:300],
    )


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


TRUE_WORDS = {"yes", "y", "true", "1", "x"}


def decode_csv(data: bytes) -> str:
    """Read a spreadsheet's CSV export: UTF-8 (with or without BOM) or UTF-16."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise BadAddress(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        )
    return text


def import_csv(data: bytes, *, newsletters) -> ImportReport:
    """Add confirmed subscribers from a CSV with `email` and `consent` columns.

    Rows without recorded consent are refused: nobody is added to a list
    they did not ask for. Valid rows are kept even when others are not.
    """
    report = ImportReport()
    text = decode_csv(data)
    try:
        return _import_rows(csv.DictReader(io.StringIO(text)), newsletters, report)
    except csv.Error as error:
        raise BadAddress(
            _("The file is not readable as CSV (%(error)s).") % {"error": error}
        ) from None


def _import_rows(reader, newsletters, report: ImportReport) -> ImportReport:
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if "email" not in columns or "consent" not in columns:
        raise BadAddress(
            _("The first line must name the columns “email” and “consent”.")
        )
    seen = set()
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items() if k}
        raw = row.get("email", "")
        try:
            address = clean_address(raw)
        except BadAddress as problem:
            report.problems.append(f"Line {line}: {problem}")
            continue
        if row.get("consent", "").strip().lower() not in TRUE_WORDS:
            report.problems.append(
                f"Line {line}: {address} has no recorded consent (consent column)."
            )
            continue
        if address_key(address) in seen:
            report.problems.append(f"Line {line}: {address} appears twice in the file.")
            continue
        seen.add(address_key(address))
        existing = Subscriber.objects.filter(email_key=address_key(address)).first()
        if existing and existing.status in (
            Subscriber.Status.UNSUBSCRIBED,
            Subscriber.Status.BOUNCED,
        ):
            report.problems.append(
                f"Line {line}: {address} unsubscribed or bounced before; "
                "only they can subscribe again."
            )
            continue
        subscribe(
            email=address, newsletters=newsletters, source="import", confirmed=True
        )
        if existing:
            report.updated += 1
        else:
            report.added += 1
    return report
