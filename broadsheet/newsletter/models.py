import secrets
import zoneinfo
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable, PreviewableMixin

from broadsheet.newsletter.addresses import BadAddress, address_key, clean_address

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Berlin."),
            params={"value": value},
        )


def validate_days(value: str) -> None:
    days = [d for d in value.split(",") if d.strip()]
    if not days or any(
        d.strip() not in {"0", "1", "2", "3", "4", "5", "6"} for d in days
    ):
        raise ValidationError(_("Pick at least one day of the week."))


RESERVED_SLUGS = {"check-your-inbox", "confirm", "manage", "unsubscribe", "member"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Newsletter(models.Model):
    """A mailing readers can subscribe to, with its own schedule and sender."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300)
    sender_name = models.CharField(_("sender name"), max_length=100)
    sender_email = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("Leave empty to use the site's sending address."),
    )
    send_time = models.TimeField(_("time of day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    days = models.CharField(
        _("days"),
        max_length=20,
        default="0,1,2,3,4,5,6",
        validators=[validate_days],
        help_text=_("Weekday numbers, Monday = 0, separated by commas."),
    )
    lookback_days = models.PositiveSmallIntegerField(
        _("first issue covers (days)"),
        default=1,
        help_text=_(
            "How far back the first issue looks; later ones start where the last ended."
        ),
    )
    is_active = models.BooleanField(_("sending"), default=True)
    is_default = models.BooleanField(_("ticked in signup boxes"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsletter:archive", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("That address is used by the site.")})

    @property
    def weekdays(self) -> set[int]:
        return {int(d) for d in self.days.split(",") if d.strip()}

    @property
    def address(self) -> str:
        """The bare sending address (settings may hold "Name <address>")."""
        return self.sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    @property
    def from_email(self) -> str:
        return formataddr((self.sender_name, self.address))


class Subscriber(models.Model):
    """An email address and where it stands; subscribing needs no account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bouncing")

    email = models.EmailField(_("email address"), max_length=254)
    # Lower-cased address: one subscriber per mailbox however it was typed.
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    token = models.CharField(
        max_length=40, unique=True, default=new_token, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )
    source = models.CharField(max_length=20, default="form")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    # Newsletters asked for through the public form, added once confirmed:
    # nobody can add lists to someone else's address.
    pending_newsletters = models.JSONField(default=list, blank=True)
    newsletters = models.ManyToManyField(
        Newsletter, through="Subscription", related_name="subscribers"
    )

    class Meta:
        ordering = ["-created_at"]
        # Importing vouches for many people's consent at once: more than
        # adding one address by hand (add_subscriber).
        permissions = [("import_subscribers", "Can import subscribers")]

    def __str__(self):
        return self.email

    def clean(self):
        try:
            self.email = clean_address(self.email)
        except BadAddress as problem:
            raise ValidationError({"email": str(problem)}) from None
        self.email_key = address_key(self.email)
        clash = Subscriber.objects.filter(email_key=self.email_key).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"email": _("That address is already on the list.")})


class Subscription(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="one_subscription"
            )
        ]

    def __str__(self):
        return f"{self.subscriber_id} → {self.newsletter_id}"


class Issue(PreviewableMixin, ClusterableModel):
    """One edition of a newsletter: composed, reviewed, then sent once.

    Its articles are ``items`` (IssueArticle rows, in the editor's order);
    the admin previews it as subscribers get it, at phone and desktop width
    and as plain text (PreviewableMixin).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.PROTECT, related_name="issues"
    )
    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    # Refreshed with the latest articles when sending starts, unless an
    # editor chose the articles by hand.
    auto_articles = models.BooleanField(default=True)
    scheduled_for = models.DateTimeField(_("send at"))
    # The schedule slot the issue was composed for; moving scheduled_for
    # does not make the scheduler compose the slot again.
    slot = models.DateTimeField(null=True, blank=True, editable=False)
    covers_from = models.DateTimeField(null=True, blank=True)
    # Articles published up to here are in this issue; the next starts here.
    covers_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for"]
        # Sending (or scheduling to send) reaches every subscriber; editing
        # the subject and introduction (change_issue) does not.
        permissions = [("send_issue", "Can send newsletter issues")]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "slot"], name="one_issue_per_slot"
            )
        ]

    def __str__(self):
        return f"{self.newsletter}: {self.subject}"

    def get_absolute_url(self):
        return reverse("newsletter:issue", args=[self.newsletter.slug, self.pk])

    @property
    def article_ids(self) -> list[int]:
        """The chosen articles' ids, in order (also before the issue is saved)."""
        return [item.article_id for item in self.items.all() if item.article_id]

    def set_articles(self, article_ids) -> None:
        """Make these the issue's articles, in this order (saved with the issue)."""
        self.items = [
            IssueArticle(article_id=pk, sort_order=n)
            for n, pk in enumerate(article_ids)
        ]

    # Previews, as subscribers get it -----------------------------------------

    preview_modes = [("html", _("Email")), ("text", _("Plain text"))]

    @property
    def preview_sizes(self):
        return [
            {
                "name": "mobile",
                "icon": "mobile-alt",
                "device_width": 375,
                "label": _("Preview at phone width"),
            },
            {
                "name": "desktop",
                "icon": "desktop",
                "device_width": 1280,
                "label": _("Preview at desktop width"),
            },
        ]

    # mail.py renders issues and imports this module, so apps.py hands its
    # renderer over in ready(): preview_response(issue, mode) -> HttpResponse.
    preview_response = None

    def serve_preview(self, request, mode_name):
        return type(self).preview_response(self, mode_name)


class IssueArticle(Orderable):
    """One article of an issue, in the order the editor set."""

    issue = ParentalKey(Issue, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        "newsroom.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("article")


class Delivery(models.Model):
    """One issue to one subscriber. Written before sending: the send's ledger."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        SKIPPED = "skipped", _("Skipped")

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery")
        ]
        indexes = [models.Index(fields=["issue", "status", "claimed_until"])]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"
