import hashlib

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from broadsheet.podcast import access, delivery, media
from broadsheet.podcast.models import EpisodePage
from broadsheet.podcast.ranges import Unsatisfiable, parse_range

AUDIO_CACHE = "public, max-age=86400"
# Files only this request may have (staff hearing a draft, a private collection).
PRIVATE_CACHE = "private, no-cache"


def _episode_file(request, pk: int, field: str) -> tuple[EpisodePage, str]:
    """Return the episode and the Cache-Control for its file, or raise Http404.

    Served only for an episode a reader may see, or to whoever may edit it
    (podcast/access.py).
    """
    episode = (
        EpisodePage.objects.select_related(f"{field}__collection").filter(pk=pk).first()
    )
    if episode is None:
        raise Http404
    shared = access.check_fetch(request, episode, getattr(episode, field))
    return episode, AUDIO_CACHE if shared else PRIVATE_CACHE


@require_safe
def audio(request, pk: int, ext: str):
    """Serve an episode's audio with Range, HEAD and conditional GET support."""
    episode, cache_control = _episode_file(request, pk, "audio")
    if ext != episode.extension:
        raise Http404
    name = episode.audio.file.name
    try:
        size = default_storage.size(name)
    except OSError as error:
        raise Http404 from error
    etag = '"' + hashlib.sha1(f"{name}:{size}".encode()).hexdigest()[:20] + '"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["Cache-Control"] = cache_control
        return not_modified

    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        header = None  # the client's copy is stale: send the whole file
    try:
        ranges = parse_range(header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Cache-Control"] = "no-store"
        return response

    content_type = episode.audio_type or "audio/mpeg"
    if ranges is None:
        status, length = 200, size
        body = delivery.read_span(name, 0, size - 1)
        headers = {"Content-Type": content_type}
    elif len(ranges) == 1:
        (start, end), status = ranges[0], 206
        length = end - start + 1
        body = delivery.read_span(name, start, end)
        headers = {
            "Content-Type": content_type,
            "Content-Range": f"bytes {start}-{end}/{size}",
        }
    else:
        status = 206
        body, length, boundary = delivery.multipart(name, ranges, size, content_type)
        headers = {"Content-Type": f"multipart/byteranges; boundary={boundary}"}

    if request.method == "HEAD":
        response = HttpResponse(status=status)
        body.close()
    else:
        response = StreamingHttpResponse(body, status=status)
    for key, value in headers.items():
        response[key] = value
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@require_safe
def transcript(request, pk: int):
    episode, cache_control = _episode_file(request, pk, "transcript")
    if not episode.transcript_cues:
        raise Http404
    response = HttpResponse(
        media.to_webvtt(episode.transcript_cues), content_type="text/vtt; charset=utf-8"
    )
    if cache_control == PRIVATE_CACHE:
        response["Cache-Control"] = cache_control
    return response


@require_safe
def chapters(request, pk: int):
    episode, cache_control = _episode_file(request, pk, "chapters")
    if not episode.chapter_list:
        raise Http404
    data = {
        "version": "1.2.0",
        "chapters": [
            {"startTime": chapter["start"], "title": chapter["title"]}
            for chapter in episode.chapter_list
        ],
    }
    response = JsonResponse(data, content_type="application/json+chapters")
    if cache_control == PRIVATE_CACHE:
        response["Cache-Control"] = cache_control
    return response
