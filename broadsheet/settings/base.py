"""Broadsheet settings: everything is here, driven by environment variables.

Defaults are safe for a local demo (SQLite, media and mail folders under the
data directory). Production switches on with ``BROADSHEET_ENV=production``.
See ``.env.example`` for every variable.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from broadsheet.settings import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

# GENERAL
# ------------------------------------------------------------------------------
PRODUCTION = env.env_str("BROADSHEET_ENV", "development") == "production"
DEBUG = env.env_bool("BROADSHEET_DEBUG", False)
SECRET_KEY = env.secret_key(production=PRODUCTION)
SECRET_KEY_FROM_ENV = bool(env.env_str("BROADSHEET_SECRET_KEY"))
ALLOWED_HOSTS = env.env_list(
    "BROADSHEET_ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
BASE_URL = env.env_str("BROADSHEET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
BASE_URL_FROM_ENV = bool(env.env_str("BROADSHEET_BASE_URL"))
CSRF_TRUSTED_ORIGINS = env.env_list("BROADSHEET_CSRF_TRUSTED_ORIGINS", [BASE_URL])

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = env.env_str("BROADSHEET_LANGUAGE", "en-us")
TIME_ZONE = env.env_str("BROADSHEET_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "broadsheet.core",
    "broadsheet.newsroom",
    "broadsheet.demo",
    "broadsheet.pwa",
    "broadsheet.privacy",
    "broadsheet.distribution",
    "broadsheet.accounts",
    "broadsheet.comments",
    "broadsheet.newsletter",
    "broadsheet.podcast",
    # Before wagtail.search: its update_index (with progress) replaces Wagtail's.
    "broadsheet.search",
    "broadsheet.imports",
    "broadsheet.operations",
    "broadsheet.analytics",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, before anything for readers (the reader
    # cache reads the database) and before the Host check: probes come by IP.
    "broadsheet.operations.views.OperationsMiddleware",
    # Each request's id on its log lines and in X-Request-ID; the access log.
    "broadsheet.operations.request_id.RequestIdMiddleware",
    "broadsheet.operations.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "broadsheet.core.security.SecurityHeadersMiddleware",
    # A body Django cannot read is a 400 here, before anything reads it.
    "broadsheet.core.request_bodies.RequestBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # WordPress's /?p=123 addresses, which the home page would answer.
    "broadsheet.imports.middleware.LegacyQueryRedirectMiddleware",
    "broadsheet.core.caching.ReaderCacheMiddleware",
    "broadsheet.core.routing.PageRouteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A listing page past LISTING_MAX_PAGES leads to the archive by month.
    "broadsheet.newsroom.middleware.DeepListingMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "broadsheet.core.context_processors.chrome",
                "broadsheet.distribution.context_processors.canonical",
                "broadsheet.analytics.context_processors.audience",
            ],
        },
    }
]

# DATA
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env.env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env.env_int("BROADSHEET_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once; IMMEDIATE avoids
    # "database is locked" upgrades when the web server and worker both write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails a connection in seconds instead of
    # holding the request (libpq waits forever by default; 2 s is its least).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.env_int("BROADSHEET_DB_CONNECT_TIMEOUT", 3)
    )

REDIS_URL = env.env_str("REDIS_URL")
# "default" is shared by every process (all web workers, the task worker and
# the scheduler), so rate limits count each request once however many
# processes serve: Redis when REDIS_URL is set, else a table in the database.
# "local" holds per-process copies of what is keyed by the content version
# (site chrome, related rails): correct in any process, and fastest there.
# Wagtail's rendition look-ups get their own in-process cache, as its docs advise.
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "broadsheet",
            # Redis down is an error in a second, not a hung request; the
            # client reconnects by itself once it is back.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "broadsheet_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    ),
    "local": {**_LOCAL_CACHE, "LOCATION": "local"},
    "renditions": {**_LOCAL_CACHE, "LOCATION": "renditions"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MEDIA_ROOT = Path(env.env_str("BROADSHEET_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# Exports uploaded in the admin wait here for the worker (private: never served).
BROADSHEET_IMPORTS_DIR = Path(
    env.env_str("BROADSHEET_IMPORTS_DIR", str(DATA_DIR / "imports"))
)
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_URL = "/static/"
# Media on this machine's disk by default; in an S3-compatible object store
# when BROADSHEET_MEDIA_STORAGE_URL names one (core/object_store.py).
MEDIA_STORAGE_URL = env.env_str("BROADSHEET_MEDIA_STORAGE_URL")
STORAGES = {
    "default": (
        {
            "BACKEND": "broadsheet.core.object_store.ObjectStoreMedia",
            "OPTIONS": env.object_store_options(MEDIA_STORAGE_URL),
        }
        if MEDIA_STORAGE_URL
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "broadsheet.core.storage.StaticFilesStorage"},
}
# Local media is served by Broadsheet itself; turn off behind a web server or CDN.
SERVE_MEDIA = env.env_bool("BROADSHEET_SERVE_MEDIA", True)
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # static names carry a content hash

# MAIL
# ------------------------------------------------------------------------------
EMAIL_HOST = env.env_str("BROADSHEET_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.env_int("BROADSHEET_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.env_str("BROADSHEET_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env.env_str("BROADSHEET_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env.env_bool("BROADSHEET_EMAIL_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.env_bool("BROADSHEET_EMAIL_SSL", EMAIL_PORT == 465)
else:
    # Outgoing mail lands as files under var/mail so a demo user can read it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env.env_str("BROADSHEET_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BASE_URL.startswith("https://")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.env_bool("BROADSHEET_BEHIND_PROXY", False)
    else None
)
X_FRAME_OPTIONS = "DENY"
# Never reads the form that failed the check (it may be unreadable).
CSRF_FAILURE_VIEW = "broadsheet.core.views.csrf_failure"
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if BASE_URL.startswith("https://") else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.env_bool("BROADSHEET_HSTS_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env.env_bool("BROADSHEET_SSL_REDIRECT", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Readers' pages: this site's own resources only; frame-src is filled in per
# response with the embed providers (core/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Extra providers whose embeds may be framed after a reader's click, e.g.
# {"name": ..., "pattern": ..., "frame_url": ..., "frame_origin": ...}.
EMBED_PROVIDERS: list[dict] = []
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Argon2id first; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# ACCOUNTS (django-allauth) AND COMMUNITY
# ------------------------------------------------------------------------------
# allauth's backend only (it keeps ModelBackend's permission checks): a
# session from Django's own backend would skip allauth's rate limits and MFA.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
# One sign-in for readers and staff: the admin's own login page redirects here,
# so two-factor authentication cannot be bypassed.
LOGIN_URL = "account_login"
WAGTAILADMIN_LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
SIGNUP_OPEN = env.env_bool("BROADSHEET_SIGNUP_OPEN", True)
ACCOUNT_ADAPTER = "broadsheet.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "broadsheet.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_DISPLAY = "broadsheet.accounts.views.display_name"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BASE_URL.startswith("https://") else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's cache-based limiter, also used for comments, reports and newsletter
# signups; counted in the shared "default" cache, so once across processes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "comment": env.env_str(
        "BROADSHEET_COMMENT_RATE", "4/m/user,30/h/user,10/m/ip,60/h/ip"
    ),
    "report": "10/h/user",
    "newsletter": "5/m/ip,30/h/ip",
    # Results pages the page cache does not hold yet, and suggestions.
    "search": env.env_str("BROADSHEET_SEARCH_RATE", "30/m/ip,600/h/ip"),
    "search_suggest": env.env_str("BROADSHEET_SUGGEST_RATE", "120/m/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.env_str("BROADSHEET_SITE_NAME", "Broadsheet")
COMMENTS = {
    # Close an article's comments this many days after publication (0: never).
    "CLOSE_AFTER_DAYS": env.env_int("BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS", 30),
    # A member's first N comments wait for a moderator (0: publish at once).
    "HOLD_FIRST": env.env_int("BROADSHEET_COMMENTS_HOLD_FIRST", 1),
    "EDIT_MINUTES": env.env_int("BROADSHEET_COMMENTS_EDIT_MINUTES", 15),
    "MAX_LENGTH": env.env_int("BROADSHEET_COMMENTS_MAX_LENGTH", 5000),
    "MAX_LINKS": env.env_int("BROADSHEET_COMMENTS_MAX_LINKS", 2),
    # Seconds a person needs at least to write a comment; faster is a bot.
    "MIN_FILL_SECONDS": env.env_int("BROADSHEET_COMMENTS_MIN_FILL_SECONDS", 3),
    # Distinct members' reports that take a comment down until reviewed.
    "REPORTS_TO_HOLD": env.env_int("BROADSHEET_COMMENTS_REPORTS_TO_HOLD", 3),
    "NOTIFY_MODERATORS": env.env_bool("BROADSHEET_COMMENTS_NOTIFY_MODERATORS", True),
}

# NEWSLETTERS
# ------------------------------------------------------------------------------
NEWSLETTER = {
    # Deliveries a worker claims at a time, and how long it may hold them
    # before another worker (or the same one after a restart) takes over.
    "BATCH_SIZE": env.env_int("BROADSHEET_NEWSLETTER_BATCH", 100),
    "LEASE_SECONDS": env.env_int("BROADSHEET_NEWSLETTER_LEASE_SECONDS", 60),
    # Messages per second per worker (0: as fast as the mail server takes them).
    "RATE_PER_SECOND": env.env_int("BROADSHEET_NEWSLETTER_RATE", 0),
    # Sending tasks started per issue: as many as the workers that should
    # share it (several machines); extra ones find nothing left and stop.
    "SENDERS": env.env_int("BROADSHEET_NEWSLETTER_SENDERS", 1),
    # First retry after a temporary failure; doubles each time, six tries.
    "RETRY_SECONDS": env.env_int("BROADSHEET_NEWSLETTER_RETRY_SECONDS", 60),
}
# The mailto: half of List-Unsubscribe. Route this mailbox to
# `broadsheet newsletter_unsubscribe_mail` (see README).
NEWSLETTER_UNSUBSCRIBE_MAILBOX = env.env_str(
    "BROADSHEET_UNSUBSCRIBE_MAILBOX",
    "unsubscribe@" + DEFAULT_FROM_EMAIL.rpartition("@")[2],
)

# READER PAGES
# ------------------------------------------------------------------------------
# Seconds browsers and shared caches may reuse an anonymous page before
# revalidating it with ETag / Last-Modified.
READER_CACHE_MAX_AGE = env.env_int("BROADSHEET_CACHE_MAX_AGE", 60)
# The page cache around Django (core.pagecache): whole anonymous responses in
# each web process's memory, purged precisely across processes through the
# database or Redis. BROADSHEET_PAGE_CACHE=off renders every request.
PAGE_CACHE = {
    "ENABLED": env.env_bool("BROADSHEET_PAGE_CACHE", True),
    "MAX_BYTES": env.env_int("BROADSHEET_PAGE_CACHE_MB", 64) * 1024 * 1024,
    # How often a process reads the shared purge log (only when busy).
    "POLL_SECONDS": 0.25,
}
# Audience figures without cookies or personal data (broadsheet/analytics).
ANALYTICS = {
    "ENABLED": env.env_bool("BROADSHEET_ANALYTICS", True),
    # Raw events are kept this long; hourly and daily roll-ups for good.
    "RETENTION_DAYS": env.env_int("BROADSHEET_ANALYTICS_RETENTION_DAYS", 30),
    # Events wait in the process's memory at most this long (or until there
    # are FLUSH_EVENTS of them), then go to the database in one insert: a
    # crash loses at most this many seconds of counts. 0 writes each event
    # at once (the tests).
    "FLUSH_SECONDS": 2.0,
    "FLUSH_EVENTS": 5000,
}
# A CDN in front, purged by key from the page cache's purge log
# (core/pagecache/cdn.py): "varnish+http://host:port,…" or "fastly://SERVICE".
CDN_PURGE = env.env_str("BROADSHEET_CDN_PURGE")
CDN_PURGE_TOKEN = env.env_str("BROADSHEET_CDN_PURGE_TOKEN")
LISTING_PAGE_SIZE = env.env_int("BROADSHEET_LISTING_PAGE_SIZE", 12)
# The deepest page of a paged listing (latest, sections, tags, authors):
# deeper pages would cost more with every page, so older articles are
# found in the archive by month (/archive/), where the listing leads.
LISTING_MAX_PAGES = env.env_int("BROADSHEET_LISTING_MAX_PAGES", 50)
# Pages a reader's browser keeps for offline reading (oldest dropped first).
OFFLINE_MAX_PAGES = env.env_int("BROADSHEET_OFFLINE_PAGES", 50)
# Feeds: how many articles, and the whole article or only its summary.
# Ten, as WordPress ships: readers poll feeds all day, and with whole
# articles every item adds about 5 KiB to every poll.
FEED_ITEM_COUNT = env.env_int("BROADSHEET_FEED_ITEMS", 10)
FEED_FULL_CONTENT = env.env_bool("BROADSHEET_FEED_FULL_CONTENT", True)
LLMS_TXT_ARTICLES = 50
# Seconds between runs of the scheduler (scheduled publishing, expiry).
SCHEDULER_INTERVAL = env.env_int("BROADSHEET_SCHEDULER_INTERVAL", 30)

# WAGTAIL
# ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.env_str("BROADSHEET_SITE_NAME", "Broadsheet")
WAGTAILADMIN_BASE_URL = BASE_URL
# Wagtail's database backend: PostgreSQL full-text search or SQLite FTS5,
# by the database in use. The stemming language (a PostgreSQL text search
# configuration) can change; run `broadsheet update_index` after changing it.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": env.env_str("BROADSHEET_SEARCH_LANGUAGE", "english"),
    }
}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "txt", "docx", "xlsx", "odt", "ods"]
# Podcast audio, transcripts and chapters are documents too (podcast/models.py).
WAGTAILDOCS_EXTENSIONS += ["mp3", "m4a", "vtt", "srt", "json"]
# Documents are served only by Wagtail's view, which checks collection privacy
# and runs the before_serve_document hooks (podcast: an unpublished episode's
# files); never a redirect to /media/, which does not serve documents at all.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Editors' avatars are uploaded, never fetched from Gravatar (a third party).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin would otherwise ask releases.wagtail.org for the latest version.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff reset passwords where members do (allauth: rate-limited, mail through
# the worker); Wagtail's own reset form would be a second, unlimited one.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["bold", "italic", "link", "ol", "ul", "superscript"]},
    }
}

# OPERATIONS (docs/operations.md)
# ------------------------------------------------------------------------------
# /metrics: a bearer token, or else (no token) direct requests from these
# addresses or networks.
METRICS_TOKEN = env.env_str("BROADSHEET_METRICS_TOKEN")
METRICS_ALLOW = env.env_list("BROADSHEET_METRICS_ALLOW", ["127.0.0.1", "::1"])
# prometheus_client's own variable (it reads it too): the folder where each
# web worker process writes its figures, emptied at every start.
PROMETHEUS_MULTIPROC_DIR = env.env_str("PROMETHEUS_MULTIPROC_DIR")
# One line per request Django renders (method, path, status, duration, id).
ACCESS_LOG = env.env_bool("BROADSHEET_ACCESS_LOG", False)
LOG_FORMAT = env.env_str("BROADSHEET_LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ValueError(f"BROADSHEET_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "broadsheet.operations.log_format.RequestIdFilter"}
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "broadsheet.operations.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.env_str("BROADSHEET_LOG_LEVEL", "INFO"),
    },
    # Wagtail logs every page action at INFO; the admin's history already has them.
    # Task start/finish lines at INFO drown everything else.
    "loggers": {"wagtail": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
