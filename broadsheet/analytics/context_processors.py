from django.conf import settings

from broadsheet.analytics.wsgi import BEACON_PATH


def audience(request):
    """Where the page script sends its view beacon (none when analytics is off)."""
    return {"audience_beacon": BEACON_PATH if settings.ANALYTICS["ENABLED"] else ""}
