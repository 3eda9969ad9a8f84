"""Image renditions: the shapes pages show, made when a page is published.

Wagtail makes a rendition (a resized copy of an image) the first time a
template asks for it. Left at that, the first reader after a publish (on a
busy site, whoever loads the front page next) waits while the web process
resizes the new article's picture four or more times, and the readers
queued behind that process wait too. So apps declare which renditions a
published page will show, of which images (``register_page_renditions``),
and publishing queues a background task that makes them
(``core.tasks.make_page_renditions``): readers find them made.

Templates name a shape (``{% responsive_image image "card" ... %}``) rather
than spelling out widths, so the page and the task use one definition.
"""

from collections.abc import Callable, Iterable

PageImages = Callable[[object], Iterable[tuple[object, Iterable[str]]]]

_shapes: dict[str, tuple[tuple[int, ...], tuple[int, int]]] = {}
_page_renditions: list[PageImages] = []


def register_image_shape(name: str, widths: Iterable[int], ratio: str) -> None:
    """Name a responsive crop: its target widths and its ratio ("16x9")."""
    across, down = (int(n) for n in ratio.split("x"))
    _shapes[name] = (tuple(widths), (across, down))


def shape_specs(name: str) -> list[str]:
    """Return the rendition filter specs of the shape called ``name``."""
    try:
        widths, (across, down) = _shapes[name]
    except KeyError:
        raise KeyError(f"No image shape is called {name!r}") from None
    return [
        f"fill-{width}x{round(width * down / across)}|format-webp" for width in widths
    ]


def register_page_renditions(function: PageImages) -> None:
    """Add a source of (image, filter specs) pairs a published page will show.

    ``function(page)`` gets the specific page and yields pairs; it returns
    nothing for pages it knows nothing about. Call from ``AppConfig.ready()``.
    """
    _page_renditions.append(function)


def page_renditions(page) -> list[tuple[object, list[str]]]:
    """Return each image ``page`` shows with every spec wanted of it."""
    wanted: dict[int, tuple[object, set[str]]] = {}
    for function in _page_renditions:
        for image, specs in function(page):
            if image is not None:
                wanted.setdefault(image.pk, (image, set()))[1].update(specs)
    return [(image, sorted(specs)) for image, specs in wanted.values()]


def make_renditions(page) -> int:
    """Make the renditions ``page`` shows that do not exist yet; return how many
    images were looked at. Idempotent: made renditions are only read back."""
    wanted = page_renditions(page)
    for image, specs in wanted:
        image.get_renditions(*specs)
    return len(wanted)
