"""Settings shared by every environment. Environment-specific modules import ``*`` from here."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from booster.settings.env import env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("BOOSTER_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("BOOSTER_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "booster.core",
    "booster.accounts",
    "booster.programme",
    "booster.groups",
    "booster.meetings",
    "booster.planning",
    "booster.board",
    "booster.notebook",
    "booster.room",
    "booster.organisations",
    "booster.feedback",
    "booster.calls",
    "booster.closing",
    "booster.lifecycle",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "booster.accounts.middleware.UserTimezoneMiddleware",
    "booster.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "booster.urls"
ASGI_APPLICATION = "booster.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "booster.core.context_processors.booster",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (a file under var/); PostgreSQL when DATABASE_URL is set.
SQLITE_PATH = VAR_DIR / "booster.sqlite3"


# Threads that run HTTP requests, per server process (booster.core.http): each runs one
# request at a time, from the request_started signal to the response's first byte.
HTTP_THREADS = env_int("BOOSTER_HTTP_THREADS", 4)


def database_config(url: str) -> dict[str, object]:
    if url and not url.startswith("sqlite:"):
        # No persistent connections: the room's socket threads and the task worker would
        # each keep one, and Django's pool (below) cannot be combined with them.
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
        # Instead, a pool per process (psycopg-pool): each request or socket's database
        # work borrows a connection and gives it back, so a process holds at most
        # max_size connections however many threads it runs. DATABASE_POOL_SIZE=0: none.
        pool_size = env_int("DATABASE_POOL_SIZE", 10)
        if pool_size > 0:
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 20}
            config["OPTIONS"] = options
        return config
    # A SQLite file named by DATABASE_URL (a restored copy, say) needs the same options.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": dj_database_url.parse(url)["NAME"] if url else SQLITE_PATH,
        # Keep each thread's connection between requests: opening the file and running
        # the PRAGMAs below cost about 1 ms a request. The HTTP threads live as long as
        # the process (booster.core.http); a connection that failed is closed anyway.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE transactions and a busy timeout keep the server and the task
            # worker from failing with "database is locked"; WAL lets readers run
            # beside one writer.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    from redis.exceptions import ConnectionError as RedisConnectionError

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 gives up reading after 5 seconds by default, just as
                        # long as channels-redis's blocking pop waits for a message: every
                        # quiet socket would fail after 5 seconds. Wait longer.
                        "socket_timeout": 15,
                        # A restarted Redis leaves each process's pooled connections dead:
                        # retry a command once on a fresh connection.
                        "retry_on_error": [RedisConnectionError],
                        # redis-py's pool refuses (MaxConnectionsError) past 100 connections
                        # by default; a room of sockets closing at once needs more.
                        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 500),
                    }
                ],
                "prefix": env_str("REDIS_PREFIX", "booster"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_PREFIX", "booster"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "booster.room.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            # Rate limits need a cache that every process shares; without Redis that is
            # the database.
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "booster_cache",
        }
    }

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "groups:mine"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "booster.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "booster.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Booster: "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Per IP and per e-mail address; allauth counts in the shared cache.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("fi", _("Finnish")),
    ("en", _("English")),
]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Helsinki"
LANGUAGE_COOKIE_NAME = "booster_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Booster <booster@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of this installation, for links in e-mails and calendar files.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Privacy notice ---------------------------------------------------------------------
# Who runs this installation and answers for the data (the privacy page shows them);
# an organisation's own controller details are added for its groups' members.
BOOSTER_CONTROLLER_NAME = env_str("BOOSTER_CONTROLLER_NAME")
BOOSTER_CONTROLLER_EMAIL = env_str("BOOSTER_CONTROLLER_EMAIL")
BOOSTER_CONTROLLER_ADDRESS = env_str("BOOSTER_CONTROLLER_ADDRESS")

# --- Background tasks -----------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Private text at rest -------------------------------------------------------------
# Fernet keys dedicated to encrypting members' private writing (never derived from
# SECRET_KEY), comma-separated; the first encrypts, all of them decrypt. Rotation:
# docs/deployment.md.
BOOSTER_ENCRYPTION_KEYS = env_list("BOOSTER_ENCRYPTION_KEYS")

# --- Health ---------------------------------------------------------------------------
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
