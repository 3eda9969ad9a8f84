"""Which object here came from which item of an export (ImportedItem rows)."""

from django.contrib.contenttypes.models import ContentType

from broadsheet.imports.models import ImportedItem, ImportRun


class Ledger:
    """One run's reads and writes of ImportedItem, for one exported site."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.origin = ""  # the exported site, known once its catalogue is read

    def find(self, kind: str, key: str) -> ImportedItem | None:
        return ImportedItem.objects.filter(
            origin=self.origin, kind=kind, source_id=key[:255]
        ).first()

    def object_ids(self, kind: str, keys) -> dict[str, int]:
        """Source id → object id, for those of ``keys`` imported before."""
        return dict(
            ImportedItem.objects.filter(
                origin=self.origin, kind=kind, source_id__in=[k[:255] for k in keys]
            ).values_list("source_id", "object_id")
        )

    def remember(self, kind, key, obj, *, created: bool, **fields) -> None:
        """Link ``obj`` to the item; ``created``: this run made it (undo removes it)."""
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        ImportedItem.objects.update_or_create(
            origin=self.origin,
            kind=kind,
            source_id=key[:255],
            defaults={
                "content_type": content_type,
                "object_id": obj.pk,
                "updated_by_run": self.run,
                **fields,
            },
            create_defaults={
                "content_type": content_type,
                "object_id": obj.pk,
                "linked_by_run": self.run,
                "created_by_run": self.run if created else None,
                **fields,
            },
        )

    def remember_created(self, kind: str, objects: dict) -> None:
        """Link new objects this run made (source id → object), in one query."""
        if not objects:
            return
        content_type = ContentType.objects.get_for_model(
            next(iter(objects.values())), for_concrete_model=False
        )
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    origin=self.origin,
                    kind=kind,
                    source_id=key[:255],
                    content_type=content_type,
                    object_id=obj.pk,
                    linked_by_run=self.run,
                    created_by_run=self.run,
                )
                for key, obj in objects.items()
            ],
            batch_size=500,
        )
