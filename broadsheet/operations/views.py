"""``/healthz``, ``/readyz`` and ``/metrics``, and the middleware answering them first.

They are answered before the rest of the middleware (``OperationsMiddleware``
heads MIDDLEWARE) because that middleware is for readers: the reader cache
reads the database for any anonymous GET, and Django checks the Host header
against ALLOWED_HOSTS, while a load balancer or an orchestrator probes a
node by its own address. Nothing here sets a cookie, and every answer is
``no-store``.
"""

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import get_resolver

from broadsheet.operations import health, metrics

# Named, not imported: urls.py imports this module.
URLCONF = "broadsheet.operations.urls"

_READ_METHODS = ("GET", "HEAD")


def _never_stored(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A probe failing is the probe's news, not an error of the site: keep
    # Django from logging every 503 (and 404) at the probes' rate.
    response._has_been_logged = True
    return response


def healthz(request):
    """The process is up and serving: nothing else is asked."""
    return _never_stored(HttpResponse("ok\n", content_type="text/plain"))


def readyz(request):
    """Whether the database, the shared cache and the media store answer."""
    checks = health.readiness()
    ready = all(outcome == "ok" for outcome in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    if not ready:
        body["failing"] = sorted(name for name, ok in checks.items() if ok != "ok")
    return _never_stored(
        JsonResponse(
            body,
            status=200 if ready else 503,
            json_dumps_params={"separators": (",", ":")},
        )
    )


def metrics_view(request):
    if not metrics.metrics_allowed(request):
        # As if there were nothing here: a scanner learns nothing.
        return _never_stored(HttpResponse("Not Found\n", status=404))
    body, content_type = metrics.render_metrics()
    return _never_stored(HttpResponse(body, content_type=content_type))


class OperationsMiddleware:
    """Answer the operations endpoints before the readers' middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.resolver = get_resolver(URLCONF)
        # The routes are plain paths: a set look-up is all a reader's
        # request pays here.
        self.paths = frozenset(
            "/" + str(pattern.pattern) for pattern in self.resolver.url_patterns
        )

    def __call__(self, request):
        if request.path_info not in self.paths:
            return self.get_response(request)
        if request.method not in _READ_METHODS:
            return _never_stored(HttpResponseNotAllowed(_READ_METHODS))
        match = self.resolver.resolve(request.path_info)
        response = match.func(request)
        if request.method == "HEAD":
            response.content = b""
        return response
