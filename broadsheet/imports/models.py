"""What each import run did, and which object came from which source item."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WORDPRESS = "wordpress", "WordPress"
    GHOST = "ghost", "Ghost"
    SUBSTACK = "substack", "Substack"


class ImportRun(models.Model):
    """One import (or its dry run) of one export file."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        PLANNED = "planned", _("Dry run finished")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")

    platform = models.CharField(max_length=20, choices=Platform.choices)
    file_name = models.CharField(max_length=255)
    # For runs started from the admin: the uploaded export, in private storage.
    upload = models.CharField(max_length=255, blank=True)
    content_upload = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress, written every second or so while the run goes.
    items_total = models.PositiveIntegerField(default=0)
    items_done = models.PositiveIntegerField(default=0)
    # Written with the progress; a running import whose heartbeat stops is
    # started again by the scheduler (the import is idempotent).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    report = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self):
        return f"{self.get_platform_display()} import {self.pk} ({self.file_name})"

    @property
    def is_working(self) -> bool:
        return self.status in (
            self.Status.WAITING,
            self.Status.RUNNING,
            self.Status.UNDOING,
        )

    @property
    def items_per_second(self) -> float | None:
        if not (self.started_at and self.items_done):
            return None
        end = self.finished_at or self.heartbeat_at or self.started_at
        seconds = (end - self.started_at).total_seconds()
        return self.items_done / seconds if seconds > 0 else None


class ImportedItem(models.Model):
    """Links an item of an export (a post, an author…) to what it became here.

    Unique per origin (the exported site), kind and source id: running the
    same export again finds its items and updates them instead of adding
    copies. ``revision_id`` is the article revision the import wrote; a later
    revision means an editor changed the article, which is then left alone.
    """

    origin = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    source_id = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    fingerprint = models.CharField(max_length=64, blank=True)
    revision_id = models.BigIntegerField(null=True, blank=True)
    # The run that created the object (undo removes it); empty when the
    # item was matched to something that already existed here.
    created_by_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_items",
    )
    # The run that first linked the item (undo removes the link).
    linked_by_run = models.ForeignKey(
        ImportRun,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="linked_items",
    )
    updated_by_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "kind", "source_id"], name="one_object_per_item"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.kind} {self.source_id} from {self.origin}"
