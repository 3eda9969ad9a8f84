"""Raw events, kept for ANALYTICS["RETENTION_DAYS"], and their roll-ups, kept for good.

No row holds an IP address, a user agent or a lasting identifier. ``visitor``,
``pair`` and ``carry`` are hashes under the day's salt (``readers``); once the
salt is deleted at the end of its day, nobody can tell whose they were.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Salt(models.Model):
    """The random salt of one day (in the site's time zone), deleted when
    the day is over."""

    day = models.DateField(unique=True)
    value = models.CharField(max_length=64)

    def __str__(self):
        return f"salt of {self.day}"


class Event(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("page view")
        FEED = "feed", _("feed fetch")
        LISTEN = "listen", _("podcast audio request")
        SIGNUP = "signup", _("newsletter sign-up")

    class Source(models.TextChoices):
        SERVER = "server", _("server")
        BEACON = "beacon", _("beacon")

    at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.SERVER
    )
    path = models.CharField(max_length=500)
    # Site-wide reader hash under the day's salt, for unique visitors; none
    # when the reader asked not to be tracked (GPC or DNT).
    visitor = models.BigIntegerField(null=True, blank=True)
    # The reader and this path that day: pairs a beacon with the server's
    # view, and keeps a listener's requests for one episode together.
    pair = models.BigIntegerField(null=True, blank=True)
    # ``pair`` under the next day's salt, so a podcast listener's 24 hours
    # can run past midnight.
    carry = models.BigIntegerField(null=True, blank=True)
    referrer = models.CharField(max_length=255, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    device = models.CharField(max_length=8, blank=True)
    # Feed fetches: the reader service's name and the subscribers it reports.
    fetcher = models.CharField(max_length=60, blank=True, db_default="")
    subscribers = models.PositiveIntegerField(null=True, blank=True)
    # Podcast audio: the episode and how many bytes this request asked for.
    episode_id = models.IntegerField(null=True, blank=True)
    bytes = models.BigIntegerField(default=0, db_default=0)
    # Set by the roll-up: a beacon the server counted, the request that
    # made a podcast download. (Defaults in the database too: a beacon's
    # view is written without them.)
    duplicate = models.BooleanField(default=False, db_default=False)
    download = models.BooleanField(default=False, db_default=False)

    class Meta:
        # One index, in time order: an event is written at its end, where
        # the pages are already in memory. (Led by the random ``pair``, an
        # index costs a page write per event.) It serves time ranges. Which
        # events are rolled up is known from RollUp.last_event_id.
        indexes = [models.Index(fields=["at", "pair"], name="analytics_event_at")]

    def __str__(self):
        return f"{self.kind} {self.path} at {self.at:%Y-%m-%d %H:%M:%S}"


class ViewBatch(models.Model):
    """The page views the server counted in one flush (``batches``): one
    row for thousands of views, as a row each cost more than serving them.

    ``groups`` holds the views grouped by what the tallies need, with a
    count each: [second after ``first_at``, path, referrer, UTM source,
    medium and campaign, device, views]. Per view, packed integers in the
    order of the views: its group, its visitor hash (0 for a reader who
    asked not to be tracked) and its page hash (as in ``Event``).
    """

    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    groups = models.JSONField()
    group_of = models.BinaryField()
    visitors = models.BinaryField()
    pairs = models.BinaryField()
    # The views a beacon repeated (by their place in the batch): each
    # pairs with one beacon at most.
    claimed = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["last_at"], name="analytics_batch_last")]

    def __str__(self):
        return f"views from {self.first_at:%Y-%m-%d %H:%M:%S}"


class RollUp(models.Model):
    """How far the roll-up has come (one row): every event up to
    ``last_event_id``, and every batch of views up to ``last_batch_id``, is
    in the tallies. They move in the transaction that adds them, so a crash
    counts nothing twice and nothing never."""

    last_event_id = models.BigIntegerField(default=0)
    last_batch_id = models.BigIntegerField(default=0)
    # New at every run: tells the scheduler whether what it remembers of the
    # day's readers was counted up to this mark (``distinct``).
    token = models.CharField(max_length=32, blank=True)

    def __str__(self):
        return f"rolled up to event {self.last_event_id}"


class Tally(models.Model):
    """One figure for one hour or one day: e.g. views of one page, or
    visitors from one referrer."""

    class Period(models.TextChoices):
        HOUR = "hour", _("hour")
        DAY = "day", _("day")

    period = models.CharField(max_length=4, choices=Period.choices)
    start = models.DateTimeField()
    metric = models.CharField(max_length=20)
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=500, blank=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "start", "metric", "dimension", "key"],
                name="analytics_one_tally",
            )
        ]
        indexes = [
            models.Index(
                fields=["period", "metric", "dimension", "start"],
                name="analytics_tally_lookup",
            )
        ]

    def __str__(self):
        return f"{self.metric} by {self.dimension} {self.key!r}: {self.value}"


class ListenWindow(models.Model):
    """One listener's 24 hours with one episode, while they last: the bytes
    asked for so far, and whether they made a download yet."""

    key = models.BigIntegerField()  # Event.pair when it opened
    carry = models.BigIntegerField()  # the same under the next day's salt
    episode_id = models.IntegerField()
    opened_at = models.DateTimeField()
    bytes = models.BigIntegerField(default=0)
    counted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["key"], name="analytics_window_key"),
            models.Index(fields=["carry"], name="analytics_window_carry"),
            models.Index(fields=["opened_at"], name="analytics_window_opened"),
        ]

    def __str__(self):
        return f"episode {self.episode_id} from {self.opened_at:%Y-%m-%d %H:%M}"


class MostRead(models.Model):
    """The "Most read" rail: the articles most viewed in the last 24 hours,
    as the worker last ranked them. One row."""

    page_ids = models.JSONField(default=list)
    computed_at = models.DateTimeField()
    # When pages showing the old ranking are to be purged (most_read.py).
    purge_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"most read at {self.computed_at:%Y-%m-%d %H:%M}"
