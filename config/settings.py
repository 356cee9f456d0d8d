"""dientap settings: configured only by environment variables.

DATABASE_URL       database (default: SQLite file in DIENTAP_DATA_DIR)
REDIS_URL          Redis for live-update fan-out across processes (optional)
DIENTAP_DATA_DIR   where the database, uploads and the generated secret key live (default ./var)
DIENTAP_SECRET_KEY secret key (default: generated once and kept in the data dir)
DIENTAP_SECRET_KEY_FALLBACKS former secret keys, comma-separated, still accepted while rotating
DIENTAP_DEBUG      "1" for development only
DIENTAP_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
DIENTAP_DEMO       "1" when running the demo (demo accounts and their passwords are shown)
DIENTAP_MAX_UPLOAD_MB  largest document upload in megabytes (default 50)
DIENTAP_HTTPS      "1" when users reach dientap over HTTPS (secure cookies, HSTS, redirect)
DIENTAP_SESSION_IDLE_MINUTES  log out after this long without a request (default 60)
DIENTAP_SESSION_MAX_HOURS     log out this long after the log-in whatever happens (default 12)
DIENTAP_LOG_FORMAT "json" (default: one JSON object per line) or "plain"
DIENTAP_DB_POOL_SIZE  PostgreSQL connections one server process may hold (default 20; 0: no
                   pool, one connection per request). Requests beyond it wait for a free one
                   (up to 30 s) instead of exhausting the database server's connections.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DIENTAP_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    key = os.environ.get("DIENTAP_SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Create with owner-only permissions; never overwrite an existing key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("DIENTAP_SECRET_KEY_FALLBACKS", "").split(",")
                        if k.strip()]
DEBUG = os.environ.get("DIENTAP_DEBUG") == "1"
DEMO_MODE = os.environ.get("DIENTAP_DEMO") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DIENTAP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "dientap.core",
    "dientap.accounts",
    "dientap.organizations",
    "dientap.exercises",
    "dientap.conferences",
    "dientap.documents",
    "dientap.schedule",
    "dientap.scenarios",
    "dientap.oversight",
    "dientap.reports",
    "dientap.exports",
    "dientap.reuse",
    "dientap.demo",
    "dientap.replay",
    "dientap.bench",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dientap.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dientap.core.middleware.RequestIdMiddleware",
    "dientap.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dientap.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dientap.accounts.middleware.SessionExpiryMiddleware",
    "dientap.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dientap.core.context_processors.site",
            ],
        },
    },
    # The rows of the long lists (fifty situations, documents, observations … a page):
    # Jinja2 compiles a template to Python and renders such a loop about seven times faster
    # than the Django template language. Pages stay Django templates and include their rows
    # with {% rows "app/x_rows.jinja" %} (core.templatetags.rows); see core/jinja.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "dientap.core.jinja.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'dientap.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if DATABASES["default"]["NAME"] == ":memory:":
        # The SQLite test pass: a file in WAL mode rather than Django's shared-cache memory
        # database, whose table locks fail at once ("database table is locked") instead of
        # waiting when a live-server thread reads while the test writes; nothing to keep, so
        # no sync to disk.
        DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
        DATABASES["default"]["OPTIONS"]["init_command"] = (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")
DB_POOL_SIZE = int(os.environ.get("DIENTAP_DB_POOL_SIZE", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_SIZE > 0:
    # A burst of requests (a thousand consoles reconnecting at once) queues for a connection.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2, "max_size": DB_POOL_SIZE, "timeout": 30}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Repeat views of the busiest pages come from a cache that every write empties
# (core/pagecache.py); shared through Redis when REDIS_URL is set, else in the process.
# Several server processes therefore need REDIS_URL (as live fan-out does).
DIENTAP_PAGE_CACHE = os.environ.get("DIENTAP_PAGE_CACHE", "1") != "0"
DIENTAP_PAGE_CACHE_NAMESPACE = os.environ.get("DIENTAP_PAGE_CACHE_NAMESPACE", "dientap")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exercises:list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id for new passwords; the others only verify older hashes (upgraded at next log-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# Log-in throttling (accounts.security): per user name and per client address, in the database
# so that every process sees the same counts.
DIENTAP_LOGIN_MAX_FAILURES = 5
DIENTAP_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
DIENTAP_LOGIN_FAILURE_WINDOW_MINUTES = 15
DIENTAP_LOGIN_LOCKOUT_MINUTES = 15

# Sessions end after an idle time and, whatever happens, some hours after the log-in.
DIENTAP_SESSION_IDLE_MINUTES = int(os.environ.get("DIENTAP_SESSION_IDLE_MINUTES", "60"))
DIENTAP_SESSION_MAX_HOURS = int(os.environ.get("DIENTAP_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = 60 * 60 * DIENTAP_SESSION_MAX_HOURS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# Vietnamese first; English complete. The source strings are English.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["dientap.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # only for `collectstatic`; served from the apps otherwise
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"
# Largest document upload accepted, in megabytes (files are checked by content, see
# dientap.documents.uploads).
DIENTAP_MAX_UPLOAD_MB = int(os.environ.get("DIENTAP_MAX_UPLOAD_MB", "50"))

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing inline, nothing from another host (core.middleware.SecurityHeadersMiddleware).
DIENTAP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# HTTPS. An isolated LAN may serve plain HTTP (DIENTAP_HTTPS unset): then cookies cannot be
# marked Secure (browsers would never send them back) and there is nothing to redirect to.
DIENTAP_HTTPS = os.environ.get("DIENTAP_HTTPS") == "1"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload (W021) is a list kept by browser makers on the Internet; hosts on an
    # isolated network are never on it.
    "security.W021",
]
if DIENTAP_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may use plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("DIENTAP_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # uvicorn (--proxy-headers, trusted proxy) already sets the scheme from X-Forwarded-Proto.
else:
    SILENCED_SYSTEM_CHECKS += [
        # Plain HTTP on purpose (no DIENTAP_HTTPS): no HSTS (W004), no redirect to HTTPS (W008),
        # no Secure flag on the session and CSRF cookies (W012, W016), which the browser
        # would then never send back. Set DIENTAP_HTTPS=1 when a TLS proxy is in front.
        "security.W004", "security.W008", "security.W012", "security.W016",
    ]

# REST API (dientap.api): token auth for scripts, session auth (CSRF) for the browser.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dientap.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "dientap.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "dientap.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dientap.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dientap API",
    "DESCRIPTION": "Defence-zone exercises: organisations, exercises, conferences, documents.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the app's own static files: no outside asset.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "ExerciseStatusEnum": "dientap.exercises.models.Exercise.Status",
        "DocumentStatusEnum": "dientap.documents.models.Document.Status",
        "AttendanceStatusEnum": "dientap.conferences.models.Attendance.Status",
        "HoldingStateEnum": "dientap.conferences.models.Holding.State",
        "CommentStateEnum": "dientap.documents.models.Comment.State",
        "ClearanceEnum": "dientap.accounts.models.Clearance",
        "RunsheetItemStatusEnum": ["pending", "running", "done"],
    },
}

# One JSON object per line (core.logging.JsonFormatter); every request is logged by
# core.middleware.RequestIdMiddleware on `dientap.request` with its request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "dientap.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if os.environ.get("DIENTAP_LOG_FORMAT") == "plain" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"dientap": {"level": "INFO"}},
}
