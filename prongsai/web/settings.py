"""Django settings: flat, typed and read from the environment (see docs/configuration.md).

PRONGSAI_ENV       development (default) | production | test
PRONGSAI_DATA      data directory: SQLite database, uploads, generated documents (default ~/.local/share/prongsai)
DATABASE_URL       postgres://user:password@host:port/name for PostgreSQL; unset = SQLite in PRONGSAI_DATA
SECRET_KEY         required in production; in development one is generated once into PRONGSAI_DATA
ALLOWED_HOSTS      comma-separated host names (production)
PRONGSAI_BASE_URL  public URL used in printed links and QR codes (default http://127.0.0.1:8000)
PRONGSAI_CACHE     database (production default: shared by every process) | memory (development default)
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("PRONGSAI_ENV", "development")
PRODUCTION = ENV == "production"
DATA_DIR = Path(os.environ.get("PRONGSAI_DATA") or Path.home() / ".local" / "share" / "prongsai").expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when PRONGSAI_ENV=production")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(url: str | None) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "prongsai.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                            "transaction_mode": "IMMEDIATE"}}
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise RuntimeError(f"DATABASE_URL: unsupported scheme '{parts.scheme}' (use postgres://)")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(parts.path.lstrip("/")) or "prongsai",
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or ""), "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True}


def _cache() -> dict:
    """The rate limiter of the survey code form counts per client across processes, so production needs a
    shared cache: the database (no extra service; `prongsai serve` creates its table).  Development and tests
    use process memory."""
    backend = os.environ.get("PRONGSAI_CACHE", "database" if PRODUCTION else "memory")
    if backend == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "prongsai_cache"}
    if backend == "memory":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise RuntimeError(f"PRONGSAI_CACHE: '{backend}' is not 'database' or 'memory'")


SECRET_KEY = _secret_key()
CACHES = {"default": _cache()}
DEBUG = os.environ.get("PRONGSAI_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h.strip()]
BASE_URL = os.environ.get("PRONGSAI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "prongsai.web.audit",
    "prongsai.web.agencies",
    "prongsai.web.rounds",
    "prongsai.web.results",
    "prongsai.web.surveys",
    "prongsai.web.oit",
    "prongsai.web.measures",
    "prongsai.web.documents",
    "prongsai.web.api",
    # Background work (link checks, document batches) on Django's tasks framework, backported to 5.2;
    # the database-backed queue needs no extra service: `prongsai manage db_worker` runs a worker.
    "django_tasks",
    "django_tasks_db",
]

TASKS = {"default": {"BACKEND": os.environ.get("PRONGSAI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "prongsai.web.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# django-ninja's Swagger UI (templates and static files) is served from its package folders, found without
# importing it: as an installed app it would be imported, with pydantic, at every start of every command
# (about 0.1 s); the API's docs view renders the local template itself (prongsai.web.api.api.LocalSwagger).
_NINJA = importlib.util.find_spec("ninja")
NINJA_DIR = Path(_NINJA.origin).parent if _NINJA is not None and _NINJA.origin else None

ROOT_URLCONF = "prongsai.web.urls"
WSGI_APPLICATION = "prongsai.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"] + ([NINJA_DIR / "templates"] if NINJA_DIR else []),
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "prongsai.web.agencies.context.navigation",
    ]},
}]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Thai first, English on request; stored times are UTC, shown in Asia/Bangkok with B.E. years.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"] + ([NINJA_DIR / "static"] if NINJA_DIR else [])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "files")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if PRODUCTION
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("PRONGSAI_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("PRONGSAI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PRONGSAI_LOG_LEVEL", "WARNING")},
    # 403/404 are answers, not incidents: keep them out of the console; 5xx are still logged.
    "loggers": {"django.request": {"level": "ERROR"}},
}
