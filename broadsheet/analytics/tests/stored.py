"""What the tests read back: the server's views, unpacked from their batches."""

from broadsheet.analytics import batches
from broadsheet.analytics.models import Event, ViewBatch


def server_views() -> list[batches.View]:
    return [
        view
        for batch in ViewBatch.objects.order_by("id")
        for view in batches.unpack(batch)
    ]


def nothing_stored() -> bool:
    return not Event.objects.exists() and not ViewBatch.objects.exists()
