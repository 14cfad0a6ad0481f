"""One settings module for every environment.

Everything that differs between a laptop and production is read from the environment; the
README lists each variable with its default. The defaults fail closed: without DJANGO_DEBUG=1
(which `make run` and the test settings set) debug is off and a real DJANGO_SECRET_KEY is required.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def is_strong_secret_key(key):
    """The rule of Django's `check --deploy` (security.W009), which has no public function:
    50+ characters, 5+ different ones, not a key Django generated for development."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-laptop-only-key-never-use-in-production"  # noqa: S105
elif not DEBUG and not is_strong_secret_key(SECRET_KEY):
    # check --deploy only warns about a weak key; signed cookies and password resets rest on it.
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off: DJANGO_SECRET_KEY must be a random string of at least 50 "
        "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
    "django_filters",
    "reversion",
    "django_prose_editor",
    "rest_framework",
    "drf_spectacular",
    "core.apps.LoginRecordsConfig",  # axes
    "django_otp",
    "core.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "core.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "django_tasks",
    "core.apps.TaskQueueConfig",  # django_tasks_db
    "core",
    "people",
    "releases",
    "api",
    "alerts",
]
# Development data (devdata/: the demo release, synthetic releases, a local admin login) is not
# product: installed with DEBUG, or where DJANGO_DEVDATA=1 (the benchmark's production-like site).
if env_bool("DJANGO_DEVDATA", DEBUG):
    INSTALLED_APPS.append("devdata")

MIDDLEWARE = [
    "core.middleware.HealthCheckMiddleware",
    # Before anything reads the request: a control character in it is a 400.
    "core.middleware.ControlCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a page from the cache costs no query (see core/cache.py).
    "core.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.KnownDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.DatabaseOutageMiddleware",
    # Last, as axes asks: it turns a locked-out login into our lockout page.
    "axes.middleware.AxesMiddleware",
]

# What /healthz checks: dotted paths of functions that raise when their service fails.
HEALTH_CHECKS = [
    "core.health.database",
    "core.health.cache",
    "core.health.storage",
    "alerts.health.task_queue",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The content version and lifetime for {% cache %} (core/cache.py).
                "core.cache.context",
            ],
        },
    },
]

# Widgets render through the templates above, so that templates/ can mend one of Django's
# (admin/widgets/split_datetime.html: a label for each of the date and the time).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves an office when writers queue instead of failing: write-ahead logging (readers
    # never wait for a writer), transactions that take the write lock when they begin (a write
    # that starts as a read cannot meet "database is locked" half-way), and a busy timeout long
    # enough for the longest admin save to finish before the next one starts.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# The cache: Redis, shared by every app server, when REDIS_URL is set (production, and any
# deployment with more than one process); otherwise this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "pressroom"),
        "TIMEOUT": 600,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# DJANGO_CACHE=dummy: no cache at all (Django's DummyCache), every request made from scratch as
# just after a change; `make bench` measures the site so. Not for a site people use.
if os.environ.get("DJANGO_CACHE") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Sessions live in the database, which every app server shares; with Redis they are also
# cached there (read from Redis, written to both). Not with the local-memory cache: another
# process would keep serving a session from its own memory after a logout.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL and os.environ.get("DJANGO_CACHE") != "dummy"
    else "django.contrib.sessions.backends.db"
)
# Public pages come from the cache (invalidated exactly on every change); 0 renders each one.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
# How long browsers and shared proxies may keep a public page (and serve it stale while they
# fetch it again): never past the next scheduled publication.
HTTP_CACHE_SECONDS = int(os.environ.get("DJANGO_HTTP_CACHE_SECONDS", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese is the source language: every release is written in Japanese first.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them: 2025年12月19日 / 19 December 2025.
FORMAT_MODULE_PATH = "config.formats"
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
# English pages show the Japanese text where no translation exists yet.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ja",), "ja": ("en",)}

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Photo files are answered by Django after a permission check (releases/media.py), then sent by
# nginx from an internal location (X-Accel-Redirect), or by Django itself on a laptop.
MEDIA_ACCEL_REDIRECT = os.environ.get("DJANGO_MEDIA_ACCEL_REDIRECT", "").rstrip("/")
MEDIA_ACCEL_REDIRECT += "/" if MEDIA_ACCEL_REDIRECT else ""
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)


def media_storage():
    """Where photos and renditions live: the local disk, or S3-compatible object storage
    (DJANGO_STORAGE=s3) in a private bucket: after its check, Django redirects to a signed
    address that lives twice as long as browsers may keep that redirect
    (releases.media.PUBLIC_MAX_AGE). Keys, where not given as AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, come from boto3's usual places (a role, ~/.aws)."""
    if os.environ.get("DJANGO_STORAGE", "local") != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 600,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        # Hashed, compressed names in production; plain files where collectstatic has not run.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: refuse oversized requests before Django reads them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGIN_URL = "admin:login"

# Login throttling (django-axes; failures in the database, shared by every app server).
# Three limits, counted over the cool-off:
# - account + address: 5. Someone guessing one person's password from one place gets 5 tries;
#   the person, mistyping at their desk, is locked out alone (from that address alone).
# - account, from any address: 20. Guessing from many places (a botnet) stops too.
# - address, for any account: 30. Stops one place spraying a common password over many names.
# The last two do not apply to a person signing in from a known place: an address where this
# account logged in within the last 90 days (the whole office shares one), or a browser that
# holds this account's known-device cookie (signed, HttpOnly, set at each login, 90 days). So
# nobody can lock a colleague out from elsewhere; from their usual desk or browser only their
# own 5 count, while a guesser from a new place without the cookie stays stopped, even with
# the right password. Attempts refused during a lockout are not counted.
# Administrators unlock in the admin (Access attempts: delete the rows) or with
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` / `axes_reset` (all).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "core.logins.LoginGuard"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURE_LIMITS = {"account": 20, "address": 30}
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.logins.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.logins.client_address"

# Second factor (django-otp; core/second_factor.py): after the password, a code from an
# authenticator app (TOTP) or one of ten recovery codes. Required, where DJANGO_REQUIRE_2FA is on
# (the default with debug off), of everyone who may publish (the Publishers group has this
# permission, and superusers have every one); a person without a device sets one up before the
# admin opens. With debug on (a laptop) it is optional: anyone may set one up, and then gives its
# codes. An administrator resets a lost device: Users, action "Reset second factor".
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", not DEBUG)
REQUIRE_2FA_FOR = "releases.publish_release"
OTP_TOTP_ISSUER = "JOGMEC news releases"
# Administrators reset devices; none of them needs to see another person's key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# New releases are issued by this organisation (its slug) unless the editor chooses another.
PRESSROOM_ISSUER_SLUG = os.environ.get("PRESSROOM_ISSUER_SLUG", "jogmec")

# Security. Production (DEBUG off) gets HTTPS-only cookies and HSTS; each can be tuned from the
# environment, for example to benchmark the production configuration over plain http on loopback.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every page loads only from our own server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The admin sets inline style attributes (widgets, calendars); no inline scripts anywhere.
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if os.environ.get("DJANGO_STORAGE") == "s3":
    # Photos come through a redirect to a signed address on the object storage's own origin.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        os.environ.get("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The open-data API (/api/): read-only, public, JSON; described by an OpenAPI schema.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "News releases: open data",
    "DESCRIPTION": "Public releases, meetings, agreements, countries and officials, in Japanese "
    "and English. Read-only; the same filters as the site's lists.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "AgreementKindEnum": "releases.models.Agreement.Kind",
        "MeetingKindEnum": "releases.models.Meeting.Kind",
        "OrganizationKindEnum": "people.models.Organization.Kind",
        "ContactRoleEnum": "releases.models.Contact.Role",
        "AgreementRoleEnum": "releases.models.ReleaseAgreement.Role",
    },
}

# Background tasks (e-mail alerts): django-tasks with its database backend. A task is a row
# written in the same transaction as the change that asks for it, and `manage.py db_worker`
# runs it; no other server is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail. Without a mail server (a laptop), messages are printed on the console.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "JOGMEC <news@localhost>")
# The site's public address, without a trailing slash: links in e-mail and feeds, Message-IDs.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail alerts: unconfirmed requests expire; limits stop the form flooding a stranger's inbox.
ALERTS_CONFIRM_HOURS = 48
ALERTS_MANAGE_DAYS = 30  # a manage link works this long; each alert brings a new one
ALERTS_REQUESTS_PER_ADDRESS = 3  # confirmation messages to one address per day
ALERTS_REQUESTS_PER_CLIENT = 20  # subscription requests from one client address per hour
ALERTS_MAX_PER_ADDRESS = 30  # filters one address can follow
ALERTS_DIGEST_HOUR = int(os.environ.get("DJANGO_ALERTS_DIGEST_HOUR", "8"))  # local time
# /healthz reports the queue as behind when a due task has waited longer than this.
ALERTS_QUEUE_MAX_LAG = int(os.environ.get("DJANGO_ALERTS_QUEUE_MAX_LAG", "300"))
