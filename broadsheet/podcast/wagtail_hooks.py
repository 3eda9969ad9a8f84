from django.http import Http404
from wagtail import hooks

from broadsheet.podcast.access import document_may_be_served


@hooks.register("before_serve_document")
def refuse_hidden_episode_files(document, request):
    """/documents/<id>/<name> must not leak an unpublished episode's files."""
    if not document_may_be_served(document, request):
        raise Http404("No such document.")
