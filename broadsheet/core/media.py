"""Local media serving: only the folders whose files are public by nature.

``/media/`` (routed when ``SERVE_MEDIA``) used to hand out anything under
``MEDIA_ROOT``. Documents are not public by nature: a document may sit in a
collection with a view restriction, or be the audio of an unpublished
episode, so they go only through Wagtail's document view
(``WAGTAILDOCS_SERVE_METHOD = "serve_view"``), which runs the privacy checks
and the ``before_serve_document`` hooks. Anything else under ``MEDIA_ROOT``
(Wagtail's pending uploads, stray files) is not served either.

Core knows no app, so the public folders are a registry: core lists
Wagtail's own public folders, and an app that writes public files into
storage registers its folder in its ``AppConfig.ready()``
(``register_public_folder``).
"""

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve
from django.views.static import was_modified_since

from broadsheet.core.object_store import is_local

# Wagtail's folders whose files every reader may fetch: image originals,
# renditions, and the avatars the admin shows beside editors' names. Not
# "documents" (privacy is checked by Wagtail's document view) and not
# "wagtail_uploads" (unfinished uploads).
WAGTAIL_PUBLIC_FOLDERS = ("original_images", "images", "avatar_images")

_public_folders: set[str] = set(WAGTAIL_PUBLIC_FOLDERS)


def register_public_folder(folder: str) -> None:
    """Let ``/media/<folder>/…`` be served: call from an app's ``ready()``."""
    if not folder or "/" in folder or folder in (".", ".."):
        raise ValueError(f"A public media folder is one plain name, not {folder!r}.")
    _public_folders.add(folder)


def public_folders() -> frozenset[str]:
    return frozenset(_public_folders)


def public_media_name(path: str) -> str | None:
    """Return the normalised storage name if ``path`` is public, else None.

    The path is normalised first, so ``images/../documents/x.pdf`` is judged
    as ``documents/x.pdf``; anything that climbs out of ``MEDIA_ROOT``, names
    a folder itself, or uses backslashes or NUL is refused.
    """
    if not path or "\\" in path or "\0" in path:
        return None
    name = posixpath.normpath(path)
    if name.startswith(("/", "..")) or name == ".":
        return None
    folder, slash, rest = name.partition("/")
    if not slash or not rest or folder not in _public_folders:
        return None
    return name


@require_safe
def serve_media(request, path):
    """Serve a public uploaded file from media storage, cacheable for a day.

    Rendition and social-card file names change whenever the image does, so
    a day is safe.
    """
    name = public_media_name(path)
    if name is None:
        raise Http404("Not a public media file.")
    if is_local(default_storage):
        response = static_serve(request, name, document_root=settings.MEDIA_ROOT)
    else:
        response = _serve_from_store(request, name)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _serve_from_store(request, name: str):
    """Stream a file from the object store, with Last-Modified and 304s."""
    if not default_storage.exists(name):
        raise Http404("No such media file.")
    modified = default_storage.get_modified_time(name).timestamp()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        return HttpResponseNotModified()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Last-Modified"] = http_date(modified)
    return response
