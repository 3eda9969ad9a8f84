from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from broadsheet.analytics import counting


# No cookie is read or set, and a beacon changes nothing but a count: no
# CSRF token to ask for (a page cached for everyone could not carry one).
@csrf_exempt
@require_POST
def beacon(request):
    """The page script's beacon, where AudienceApp (which answers it first)
    is not in front of Django."""
    body = request.read(counting.MAX_BEACON_BYTES + 1)
    response = HttpResponse(status=counting.take_beacon(request.META, body))
    response["Cache-Control"] = "no-store"
    return response
