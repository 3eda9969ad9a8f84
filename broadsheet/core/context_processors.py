from django.utils.functional import SimpleLazyObject

from broadsheet.core.chrome import site_chrome


def chrome(request):
    """Provide the site name, logo and navigation; lazy, so the admin never pays."""
    return {"chrome": SimpleLazyObject(lambda: site_chrome(request))}
