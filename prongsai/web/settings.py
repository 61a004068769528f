"""Django settings: flat, typed and read from the environment through ``prongsai.config``'s helpers.

Every variable, with its default, is documented once in docs/configuration.md.  Read a new one here with a helper
(``env_bool``, ``env_int``, ``env_float``, ``env_str``, ``env_path``, ``env_list``, ``env_choice``,
``env_secret``): they refuse a value they do not understand with a message naming the variable.  No other module
reads the environment; code reads ``django.conf.settings``.  Importing this module writes nothing to disk: the
data folder and the development secret key are made by ``prongsai.config.prepare_data_dir``, which every
``prongsai`` command, ``manage.py`` and the WSGI module run first.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

from prongsai import config
from prongsai.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
)
from prongsai.web.bilingual import gettext_noop, thai

BASE_DIR = config.PACKAGE_DIR / "web"
ENV = config.environment()
PRODUCTION = ENV == "production"
DATA_DIR = config.data_dir()


def _secret_key() -> str:
    if key := env_secret("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ConfigError("SECRET_KEY must be set when PRONGSAI_ENV=production (or SECRET_KEY_FILE)")
    if key := config.development_secret_key(DATA_DIR):
        return key
    raise ConfigError(
        f"SECRET_KEY is not set and {DATA_DIR / config.SECRET_KEY_FILE} does not exist: run a "
        "prongsai command once (it creates the key in development) or set SECRET_KEY"
    )


def _database(url: str | None) -> dict:
    if not url:
        # writers wait PRONGSAI_SQLITE_BUSY_TIMEOUT seconds for the write lock instead of failing at once with
        # "database is locked" (a long import beside survey submissions; docs/operations.md)
        busy = env_float("PRONGSAI_SQLITE_BUSY_TIMEOUT", 20.0, minimum=0.1, maximum=600)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "prongsai.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": busy,
            },
        }
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"DATABASE_URL: unsupported scheme '{parts.scheme}' (use postgres://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "prongsai",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def _cache() -> dict:
    """The survey code limiter counts per client across processes, so production needs a shared cache: the
    database (no extra service; `prongsai serve` creates its table).  Development and tests use process memory.
    (The login throttle keeps its counters in its own table, accounts.LoginFailureCounter.)"""
    backend = env_choice("PRONGSAI_CACHE", ("database", "memory"), "database" if PRODUCTION else "memory")
    if backend == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "prongsai_cache"}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


SECRET_KEY = _secret_key()
#: Rotating SECRET_KEY: older keys still accepted for sessions and signed values until removed (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
CACHES = {"default": _cache()}
DEBUG = env_bool("PRONGSAI_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ConfigError(
        "PRONGSAI_DEBUG=1 is refused when PRONGSAI_ENV=production: the debug pages show settings and "
        f"every URL.  Unset PRONGSAI_DEBUG "
        f"({thai(gettext_noop('Debug mode is refused in production.'))})"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
#: The public address in every link the app sends away from a page (e-mails, slips, QR codes, the OIT embed):
#: production must name it, or reset links would point at 127.0.0.1.
BASE_URL = env_str("PRONGSAI_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not BASE_URL:
    raise ConfigError(
        "PRONGSAI_BASE_URL must be set when PRONGSAI_ENV=production: e-mailed links, survey slips and "
        "QR codes are built from it (e.g. https://ita.example.go.th) "
        f"({thai(gettext_noop('Set PRONGSAI_BASE_URL to the public address of this installation.'))})"
    )
# scheme, a host name or address (no user:password@), an optional port and path; no query or fragment
if not re.fullmatch(r"(?i)https?://[a-z0-9.\-]+(:[0-9]{1,5})?(/[^\s?#@]*)?", BASE_URL):
    raise ConfigError(
        f"PRONGSAI_BASE_URL={BASE_URL!r}: not a web address such as https://ita.example.go.th "
        f"({thai(gettext_noop('The address must start with http:// or https://.'))})"
    )
if PRODUCTION and not BASE_URL.lower().startswith("https://"):
    # e-mailed password-reset links carry a token: production sends them over HTTPS only
    raise ConfigError(
        f"PRONGSAI_BASE_URL={BASE_URL!r}: production links must use https:// "
        f"({thai(gettext_noop('In production the address must start with https://.'))})"
    )
DATABASES = {"default": _database(env_secret("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "prongsai.web.ops.collect.StaticFiles",  # django.contrib.staticfiles without the files no page serves
    "django.contrib.humanize",
    "prongsai.web.audit",
    "prongsai.web.agencies",
    "prongsai.web.rounds",
    "prongsai.web.editions",
    "prongsai.web.results",
    "prongsai.web.surveys",
    "prongsai.web.oit",
    "prongsai.web.measures",
    "prongsai.web.itas",
    "prongsai.web.documents",
    "prongsai.web.api",
    "prongsai.web.accounts",
    # the officer's year: each round's deadlines, the dashboard checklist, notifications in the app and by e-mail
    "prongsai.web.notifications",
    # worker recovery, health, metrics, logs, backup (docs/operations.md); before django_tasks_db, whose
    # db_worker command it replaces with the recovering worker
    "prongsai.web.ops",
    # Background work (link checks, document batches) on Django's tasks framework, backported to 5.2;
    # the database-backed queue needs no extra service: `prongsai manage db_worker` runs a worker.
    "django_tasks",
    "django_tasks_db",
]

TASKS = {"default": {"BACKEND": env_str("PRONGSAI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

MIDDLEWARE = [
    # Behind a reverse proxy, X-Forwarded-For/-Proto are believed only from PRONGSAI_TRUSTED_PROXIES and removed
    # from anyone else, before anything reads the client's address or scheme.
    "prongsai.web.ops.middleware.TrustedProxyMiddleware",
    "prongsai.web.ops.middleware.RequestMetricsMiddleware",
    # Then: refuse malformed requests (control characters in the URL, oversized bodies) before anything reads
    # them (security-reliability review L4, L5; docs/security.md).
    "prongsai.web.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "prongsai.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "prongsai.web.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "prongsai.web.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# django-ninja's Swagger UI (templates and static files) is served from its package folders, found without
# importing it: as an installed app it would be imported, with pydantic, at every start of every command
# (about 0.1 s); the API's docs view renders the local template itself (prongsai.web.api.api.LocalSwagger).
_NINJA = importlib.util.find_spec("ninja")
NINJA_DIR = Path(_NINJA.origin).parent if _NINJA is not None and _NINJA.origin else None

ROOT_URLCONF = "prongsai.web.urls"
WSGI_APPLICATION = "prongsai.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"] + ([NINJA_DIR / "templates"] if NINJA_DIR else []),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prongsai.web.agencies.context.navigation",
                "prongsai.web.notifications.context.unread",
            ]
        },
    }
]

# --- Accounts: passwords, login throttle, sessions, API tokens (docs/security.md) ---------------------------
AUTH_PASSWORD_VALIDATORS = [
    # also compares with the person's Thai and English names and e-mail (agencies.Person), not only the User's
    {"NAME": "prongsai.web.accounts.passwords.PersonAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
#: Wrong passwords before a cool-off, per (account, address) pair, per address (any account) and per account
#: (any address, applied only to browsers that never signed in to that account); see accounts/throttle.py.
LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_FAILURES_PER_ACCOUNT = 20
LOGIN_COOLOFF_MINUTES = env_int("PRONGSAI_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60)
#: A signed session ends after this much inactivity, and in any case this long after signing in.
SESSION_IDLE_MINUTES = env_int("PRONGSAI_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=7 * 24 * 60)
SESSION_MAX_HOURS = env_int("PRONGSAI_SESSION_MAX_HOURS", 12, minimum=1, maximum=30 * 24)
if SESSION_IDLE_MINUTES > SESSION_MAX_HOURS * 60:
    raise ConfigError(
        f"PRONGSAI_SESSION_IDLE_MINUTES={SESSION_IDLE_MINUTES} is longer than "
        f"PRONGSAI_SESSION_MAX_HOURS={SESSION_MAX_HOURS} hours"
    )
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600  # the cookie never outlives the absolute maximum
#: API tokens expire after this many days unless issued with another lifetime (at most the maximum).
API_TOKEN_DAYS = env_int("PRONGSAI_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)
API_TOKEN_MAX_DAYS = max(API_TOKEN_DAYS, 365)

# Thai first, English on request; stored times are UTC, shown in Asia/Bangkok with B.E. years.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # made by `prongsai serve`/`demo` (collectstatic), not here
STATICFILES_DIRS = [BASE_DIR / "static"] + ([NINJA_DIR / "static"] if NINJA_DIR else [])
STORAGES = {
    # files are written under a temporary name and renamed when complete (no truncated document after a crash)
    "default": {
        "BACKEND": "prongsai.web.ops.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {
        "BACKEND": "prongsai.web.ops.static.CompressedStaticFiles"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Request and upload sizes (docs/configuration.md "Request size") ---------------------------------------
#: The largest legitimate upload: an OIT evidence file.
PRONGSAI_OIT_MAX_UPLOAD = env_int("PRONGSAI_OIT_MAX_UPLOAD_MB", 20, minimum=1, maximum=1024) * 1024 * 1024
#: Any request body larger than this is refused with 413 before it is read (RequestGuardMiddleware); it must
#: leave room for the largest upload plus the form around it.
PRONGSAI_MAX_REQUEST_BYTES = env_int("PRONGSAI_MAX_REQUEST_MB", 25, minimum=1, maximum=2048) * 1024 * 1024
if PRONGSAI_MAX_REQUEST_BYTES < PRONGSAI_OIT_MAX_UPLOAD + 1024 * 1024:
    raise ConfigError(
        "PRONGSAI_MAX_REQUEST_MB must be at least PRONGSAI_OIT_MAX_UPLOAD_MB + 1 "
        f"({PRONGSAI_OIT_MAX_UPLOAD // (1024 * 1024) + 1})"
    )
#: Uploaded files above this size are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
#: Form fields other than files (a survey page, a long measure text): 10 MB in all, 2,000 fields at most.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Response headers ----------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PRONGSAI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("PRONGSAI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Features ------------------------------------------------------------------------------------------------
#: OIT link checker (docs/oit.md, docs/untrusted-input.md): may it fetch loopback addresses (the demo's own pages;
#: never in production) or NAT64 ones (IPv6-only networks with DNS64), the wait of one network operation, the
#: deadline of one whole check (every hop and the body), the most it downloads of one link, how many checks one
#: worker runs at once and against one host, links per check task, and how long a task keeps starting checks.
PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = env_bool("PRONGSAI_LINKCHECK_ALLOW_LOOPBACK", False)
PRONGSAI_LINKCHECK_ALLOW_NAT64 = env_bool("PRONGSAI_LINKCHECK_ALLOW_NAT64", False)
PRONGSAI_LINKCHECK_TIMEOUT = env_float("PRONGSAI_LINKCHECK_TIMEOUT", 15.0, minimum=1, maximum=300)
PRONGSAI_LINKCHECK_DEADLINE = env_float("PRONGSAI_LINKCHECK_DEADLINE", 60.0, minimum=1, maximum=3600)
PRONGSAI_LINKCHECK_MAX_BYTES = env_int("PRONGSAI_LINKCHECK_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
PRONGSAI_LINKCHECK_WORKERS = env_int("PRONGSAI_LINKCHECK_WORKERS", 64, minimum=1, maximum=1024)
PRONGSAI_LINKCHECK_PER_HOST = env_int("PRONGSAI_LINKCHECK_PER_HOST", 8, minimum=1, maximum=1024)
PRONGSAI_LINKCHECK_BATCH = env_int("PRONGSAI_LINKCHECK_BATCH", 200, minimum=1, maximum=100_000)
PRONGSAI_LINKCHECK_BATCH_DEADLINE = env_float("PRONGSAI_LINKCHECK_BATCH_DEADLINE", 300.0, minimum=1)
#: checked here once so that a bad value stops the start, not an upload (read again by the pure core)
PRONGSAI_EXTRACT_LIMITS = config.extract_limits()

# --- E-mail (docs/configuration.md "E-mail", docs/notifications.md) -------------------------------------------
#: Notifications and password resets are mailed through SMTP when PRONGSAI_EMAIL_HOST is set; otherwise each one
#: is written as a file under <data folder>/mail/ (development, the demo, and production until a mail server is
#: configured): not to the console, where password-reset links would land in the server's log; tests use memory.
EMAIL_HOST = env_str("PRONGSAI_EMAIL_HOST", "")
EMAIL_PORT = env_int("PRONGSAI_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("PRONGSAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("PRONGSAI_EMAIL_PASSWORD") or ""
EMAIL_SECURITY = env_choice("PRONGSAI_EMAIL_SECURITY", ("starttls", "tls", "none"), "starttls")
EMAIL_USE_TLS = EMAIL_SECURITY == "starttls"
EMAIL_USE_SSL = EMAIL_SECURITY == "tls"
EMAIL_TIMEOUT = env_int("PRONGSAI_EMAIL_TIMEOUT", 20, minimum=1, maximum=300)
DEFAULT_FROM_EMAIL = env_str("PRONGSAI_EMAIL_FROM", "Prongsai <noreply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend"
    if ENV == "test"
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")  # created by the backend at the first mail, never at import
#: `prongsai notify` warns of a deadline this many days ahead (and again nowhere: one notification per deadline).
PRONGSAI_NOTIFY_DAYS = env_int("PRONGSAI_NOTIFY_DAYS", 7, minimum=0, maximum=90)
#: A password-reset link works this long (Django's default is three days; a shorter window is safer).
PASSWORD_RESET_TIMEOUT = env_int("PRONGSAI_PASSWORD_RESET_HOURS", 2, minimum=1, maximum=72) * 3600

# --- Operations (docs/operations.md) -----------------------------------------------------------------------
# Data files are private to the service account: 0600 files, 0700 folders (the SQLite database and its WAL hold
# survey answers).  Every entry point (the prongsai command, manage, WSGI servers, workers) loads these settings.
# (A process setting, not a write: importing the settings still writes nothing.)
os.umask(0o077)

#: The reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For/-Proto are believed.
PRONGSAI_TRUSTED_PROXIES = env_list("PRONGSAI_TRUSTED_PROXIES")
#: Background tasks: a worker silent for this many seconds is dead and its running task is re-queued (idempotent
#: tasks, with back-off) or failed with the reason; tasks without their own deadline get the default deadline.
#: The back-off is the wait before the first retry of a retried task (link checks, document packs), doubled for
#: each further one.
PRONGSAI_TASK_LEASE = env_float("PRONGSAI_TASK_LEASE", 60.0, minimum=1)
PRONGSAI_TASK_DEADLINE = env_float("PRONGSAI_TASK_DEADLINE", 900.0, minimum=1)
PRONGSAI_TASK_BACKOFF = env_float("PRONGSAI_TASK_BACKOFF", 30.0, minimum=0.1, maximum=3600)
#: /healthz thresholds: free space in the data folder, queued tasks, the wait of the oldest queued task and the
#: age of the oldest running task.
PRONGSAI_HEALTH_MIN_FREE_MB = env_int("PRONGSAI_HEALTH_MIN_FREE_MB", 500, minimum=0)
PRONGSAI_HEALTH_MAX_BACKLOG = env_int("PRONGSAI_HEALTH_MAX_BACKLOG", 5000, minimum=1)
PRONGSAI_HEALTH_MAX_WAIT = env_float("PRONGSAI_HEALTH_MAX_WAIT", 900.0, minimum=1)
PRONGSAI_HEALTH_MAX_RUNNING = env_float("PRONGSAI_HEALTH_MAX_RUNNING", 3600.0, minimum=1)
#: Folder of pg_dump/pg_restore when they are not on PATH (backups on PostgreSQL).
PRONGSAI_PG_BIN = env_path("PRONGSAI_PG_BIN", None)
#: gunicorn (deploy/gunicorn.conf.py sets it): each worker process writes its request counters there, and a scrape
#: sums them; prometheus_client reads the same variable.
PROMETHEUS_MULTIPROC_DIR = env_path("PROMETHEUS_MULTIPROC_DIR", None)
#: /metrics (Prometheus text format): allowed with this bearer token, or from these addresses/CIDR ranges; with
#: neither set it answers 404 (in development: loopback only).
PRONGSAI_METRICS_TOKEN = env_secret("PRONGSAI_METRICS_TOKEN") or ""
PRONGSAI_METRICS_ALLOW = env_list("PRONGSAI_METRICS_ALLOW")

# Logs: "plain" (default) or "json" (one object a line); never request bodies, survey codes or query strings.
PRONGSAI_LOG_FORMAT = env_choice("PRONGSAI_LOG_FORMAT", ("plain", "json"), "plain")
_LOG_LEVEL = env_choice("PRONGSAI_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "prongsai.web.ops.logs.JsonFormatter"},
    },
    "filters": {"redact": {"()": "prongsai.web.ops.logs.RedactFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": PRONGSAI_LOG_FORMAT, "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        # 403/404 are answers, not incidents: keep them out of the console; 5xx are still logged.
        "django.request": {"level": "ERROR"},
        # Prongsai's own events (task recovery, batch failures) from INFO, whatever the root level
        "prongsai": {"level": "DEBUG" if _LOG_LEVEL == "DEBUG" else "INFO"},
    },
}
