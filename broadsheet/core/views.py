from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader

# The error views never read the request's body (request.POST, .FILES or
# .body): a body that cannot be parsed is often why they run, and reading it
# again would raise again, inside the error page. That is also why none of them
# has Django's @requires_csrf_token, which reads request.POST on a POST.


def bad_request(request, exception=None):
    # No context processors or database: the request may be anything at all
    # (an unreadable body, a host that is not ours), so nothing may read it.
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token, or with an old one."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database: whatever broke may be broken here too.
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_token(request):
    """Hand a form its CSRF token when a reader starts to use it.

    Pages with forms carry no token, so opening them sets no cookie.
    """
    response = JsonResponse({"token": get_token(request)})
    response["Cache-Control"] = "no-store, private"
    return response
