from django.http import HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
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
