"""Test settings: the real parts, made fast and isolated."""

import tempfile

from broadsheet.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="broadsheet-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# One process runs the suite, so an in-process cache is shared by all of it;
# tests/test_shared_cache.py runs real servers on the real default.
CACHES = {
    **CACHES,  # noqa: F405
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
STATIC_ROOT = tempfile.mkdtemp(prefix="broadsheet-test-static-")
COMMENTS = {**COMMENTS, "MIN_FILL_SECONDS": 0}  # noqa: F405
# Each counted event is written at once, inside the test's transaction.
ANALYTICS = {**ANALYTICS, "FLUSH_SECONDS": 0}  # noqa: F405
