from django.utils.functional import SimpleLazyObject

from broadsheet.core.chrome import content_version, site_chrome


def chrome(request):
    """Provide the site name, logo and navigation; lazy, so the admin never pays."""
    return {
        "chrome": SimpleLazyObject(lambda: site_chrome(request)),
        # For {% cache %} keys: fragments change exactly when content does.
        "content_version": SimpleLazyObject(
            lambda: content_version(request).isoformat()
        ),
    }
