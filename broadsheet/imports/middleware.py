"""Old query-string addresses (WordPress's /?p=123) that land on the home page.

Wagtail's redirects answer only addresses that would be a 404, but "/?p=123"
is the home page with a query string, so it would never reach them. Only
requests for "/" carrying one of WordPress's id parameters are looked up:
one indexed query for those, nothing for any other request.
"""

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect

LEGACY_PARAMETERS = frozenset({"p", "page_id", "cat", "tag", "author", "attachment_id"})


class LegacyQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path == "/"
            and request.method in ("GET", "HEAD")
            and LEGACY_PARAMETERS.intersection(request.GET)
        ):
            old_path = Redirect.normalise_path(request.get_full_path())
            redirect = (
                Redirect.objects.filter(old_path=old_path, site=None)
                .select_related("redirect_page")
                .first()
            )
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
