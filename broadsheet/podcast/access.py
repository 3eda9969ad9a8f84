"""Who may fetch an episode's audio, transcript and chapters.

Readers may fetch them for an episode they may see (``core.visibility``,
the one rule: live, not expired, not restricted). Whoever may edit the
episode may fetch them too, so staff hear an unpublished episode in the
admin's preview. The file's own collection privacy (Wagtail's collection
view restrictions) applies on top, whatever URL serves it.

The same files are Wagtail documents, so ``/documents/<id>/<name>`` could
serve them too; ``document_may_be_served`` is what the podcast's
``before_serve_document`` hook asks.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from wagtail.models import Revision

from broadsheet.core.visibility import (
    page_is_published,
    page_is_visible,
    visible_pages,
)
from broadsheet.podcast.models import EpisodePage

EPISODE_FILE_FIELDS = ("audio", "transcript", "chapters")


def may_edit(user, episode) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return episode.permissions_for_user(user).can_edit()


def check_fetch(request, episode, document) -> bool:
    """Refuse (Http404) or allow fetching one of the episode's files.

    Return whether the answer may go to shared caches: only when any reader
    may have it (a visible episode, a file in an unrestricted collection).
    """
    editor = None  # asked at most once, and only when it matters

    def is_editor() -> bool:
        nonlocal editor
        if editor is None:
            editor = may_edit(request.user, episode)
        return editor

    shared = page_is_visible(episode)
    if not shared and not _passed_restrictions(request, episode) and not is_editor():
        raise Http404
    if document is not None:
        # Wagtail's own collection privacy, for a file served outside its view.
        restrictions = list(document.collection.get_view_restrictions())
        if restrictions:
            shared = False
            if not is_editor() and not all(
                restriction.accept_request(request) for restriction in restrictions
            ):
                raise Http404
    return shared


def _passed_restrictions(request, episode) -> bool:
    """Whether this reader passed the restrictions of a published episode.

    Wagtail's privacy flow lets them hear the episode page, so its player's
    audio must play for them too (never from a shared cache).
    """
    if not page_is_published(episode):
        return False
    restrictions = episode.get_view_restrictions()
    return bool(restrictions) and all(
        restriction.accept_request(request) for restriction in restrictions
    )


def _uses(document) -> Q:
    return Q(audio=document) | Q(transcript=document) | Q(chapters=document)


def _episodes_with_drafts_using(document) -> list[int]:
    """Episodes whose saved revisions (drafts, scheduled ones) name the document.

    A published episode's draft may carry new audio that the page row does
    not show yet; that file must stay unreachable until it is published.
    """
    lookups = Q()
    for field in EPISODE_FILE_FIELDS:
        lookups |= Q(**{f"content__{field}": document.pk})
    ids = Revision.objects.filter(
        lookups, content_type=ContentType.objects.get_for_model(EpisodePage)
    ).values_list("object_id", flat=True)
    return [int(pk) for pk in set(ids)]


def document_may_be_served(document, request) -> bool:
    """Whether Wagtail's document view may hand this document to this request.

    A document no episode uses is none of the podcast's business. One that a
    visible episode uses is public anyway (at /podcast/audio/…). Otherwise it
    belongs to an unpublished, expired or restricted episode, or only to a
    draft: only those who may edit such an episode may fetch it.
    """
    rows = EpisodePage.objects.filter(_uses(document))
    if visible_pages(rows).exists():
        return True
    episode_ids = {*rows.values_list("pk", flat=True)}
    episode_ids.update(_episodes_with_drafts_using(document))
    if not episode_ids:
        return True
    return any(
        may_edit(request.user, episode)
        for episode in EpisodePage.objects.filter(pk__in=episode_ids)
    )
