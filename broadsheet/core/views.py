from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.static import serve as static_serve


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # No context processors or database: whatever broke may be broken here too.
    return HttpResponseServerError(loader.get_template("500.html").render())


def serve_media(request, path):
    """Serve an uploaded file from local media storage, cacheable for a day.

    Rendition file names change whenever the image does, so a day is safe.
    """
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
