from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from broadsheet.accounts import urls as accounts_urls
from broadsheet.accounts.views import admin_login
from broadsheet.analytics import urls as analytics_urls
from broadsheet.comments import urls as comments_urls
from broadsheet.core.media import serve_media
from broadsheet.core.views import csrf_token
from broadsheet.distribution import urls as distribution_urls
from broadsheet.newsletter import urls as newsletter_urls
from broadsheet.newsroom import urls as newsroom_urls
from broadsheet.operations import urls as operations_urls
from broadsheet.podcast import urls as podcast_urls
from broadsheet.privacy import urls as privacy_urls
from broadsheet.pwa import urls as pwa_urls
from broadsheet.search import urls as search_urls

urlpatterns = [
    # Staff sign in where members do, so two-factor authentication applies.
    path("admin/login/", admin_login),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("csrf/", csrf_token, name="csrf_token"),
    # Probes and metrics; operations.views.OperationsMiddleware answers them
    # before the rest of the middleware.
    path("", include(operations_urls)),
]
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, name="media"),
    ]
urlpatterns += [
    path("", include(accounts_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include(analytics_urls)),
    path("", include(comments_urls)),
    path("", include(newsletter_urls)),
    path("", include(newsroom_urls)),
    path("", include(distribution_urls)),
    path("", include(podcast_urls)),
    path("", include(pwa_urls)),
    path("", include(privacy_urls)),
    path("", include(search_urls)),
    # Wagtail's page tree last: it answers every other path.
    path("", include(wagtail_urls)),
]

handler400 = "broadsheet.core.views.bad_request"
handler403 = "broadsheet.core.views.permission_denied"
handler404 = "broadsheet.core.views.page_not_found"
handler500 = "broadsheet.core.views.server_error"
