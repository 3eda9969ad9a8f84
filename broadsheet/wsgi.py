import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.base")
application = get_wsgi_application()

# Imported after Django is set up: the layer reads the settings.
from django.conf import settings  # noqa: E402

if settings.PAGE_CACHE["ENABLED"]:
    from broadsheet.core.pagecache.wsgi import PageCacheApp

    application = PageCacheApp(application)

if settings.ANALYTICS["ENABLED"]:
    # Outside the page cache: stored copies are counted too.
    from broadsheet.analytics.wsgi import AudienceApp

    application = AudienceApp(application)

# Everything loaded so far lives as long as the process: keep the garbage
# collector from walking it again on every full collection (pauses of
# 150-450 ms were measured in a web process).
gc.freeze()
