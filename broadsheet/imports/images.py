"""The images posts use: read from the uploads given, checked, stored once."""

import io
from collections import OrderedDict
from collections.abc import Callable

from django.core.files.images import ImageFile
from django.utils.text import Truncator
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from broadsheet.imports.files import MediaFolder, Refused
from broadsheet.imports.ledger import Ledger
from broadsheet.imports.report import Report

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}
# Addresses remembered in memory; older ones are found again in the ledger,
# so memory does not grow with the number of images.
REMEMBERED = 2000
MAX_PIXELS = 60_000_000


class Images:
    """Finds the Wagtail image for an address in a post, importing it once.

    ``keep(cache, key, value)`` caches what an item made, so that a failed
    item's images are forgotten with it (their rows rolled back).
    """

    def __init__(
        self,
        media: MediaFolder,
        *,
        ledger: Ledger,
        report: Report,
        dry_run: bool,
        keep: Callable,
    ):
        self.media, self.ledger, self.report = media, ledger, report
        self.dry_run, self.keep = dry_run, keep
        self.ids: OrderedDict[str, int | None] = OrderedDict()

    def find(self, src: str, alt: str, where: str) -> int | None:
        """The image's id (0 in a dry run), or None, reported, if unavailable."""
        if src in self.ids:
            self.ids.move_to_end(src)
            return self.ids[src]
        image_id = None
        try:
            if not self.media.given:
                raise Refused("no uploads folder or zip was given")
            # One image per file, however many sizes of it the posts link.
            path, data = self.media.read(src)
            if path in self.ids:
                image_id = self.ids[path]
            else:
                image_id = self._known(path)
                if image_id is None:
                    name = path.rsplit("/", 1)[-1]
                    check_image(data, name)
                    image_id = 0 if self.dry_run else self._store(path, name, data, alt)
                    self.report.count("image", "created")
                self.keep(self.ids, path, image_id)
        except Refused as refusal:
            self.report.count("image", "missing")
            self.report.warn(where, f"image {src} not imported: {refusal}")
        self.keep(self.ids, src, image_id)
        while len(self.ids) > REMEMBERED:
            self.ids.popitem(last=False)
        return image_id

    def _known(self, path: str) -> int | None:
        item = self.ledger.find("image", path)
        if item and get_image_model().objects.filter(pk=item.object_id).exists():
            return item.object_id
        return None

    def _store(self, path: str, name: str, data: bytes, alt: str) -> int:
        image = get_image_model()(
            title=Truncator(alt or name).chars(255), description=alt[:255]
        )
        image.file = ImageFile(io.BytesIO(data), name=name)
        image.save()
        self.ledger.remember("image", path, image, created=True)
        return image.pk


def check_image(data: bytes, name: str) -> None:
    """Refuse what is not a real image of a kind readers' browsers show."""
    try:
        with PillowImage.open(io.BytesIO(data)) as picture:
            if picture.format not in IMAGE_FORMATS:
                raise Refused(f"{name} is a {picture.format} file, not a web image")
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise Refused(f"{name} has too many pixels ({width}×{height})")
            picture.verify()
    except Refused:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds
        raise Refused(f"{name} is not a readable image ({error})") from None
