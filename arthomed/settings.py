"""Arthomed settings: every value is read once, here, from the environment.

A `.env` file in the project root is read when present (never committed).
Code elsewhere reads `settings.X`, never `os.environ`.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    """The variable's value; unset and empty (`DATABASE_URL=` in .env) both mean the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
ENVIRONMENT = env("ENVIRONMENT", "development" if DEBUG else "production")
VERSION = env("APP_VERSION", "1.0.0")
SECRET_KEY = env("SECRET_KEY")
# Production must set it. Without it, tooling that signs nothing (makemigrations, spectacular)
# still runs on a fresh clone with a throwaway key, while wsgi.py refuses to serve and
# `check --deploy` fails with arthomed.E001 (arthomed/checks.py).
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    # Dev key long enough for HS256 without PyJWT's short-key warning.
    SECRET_KEY = (
        secrets.token_urlsafe(50) if SECRET_KEY_MISSING else "dev-insecure-arthomed-secret-key-0123456789abcdef"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "arthomed.api.views.csrf_failure"
PORT = env_int("PORT", 3001)

INSTALLED_APPS = [
    "accounts.admin_site.StaffAdminConfig",  # django.contrib.admin, signed in to by SMS code
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # The project package itself, for its management commands (backup, restore).
    "arthomed",
    "accounts",
    "files",
    "appointments",
    "dashboard",
]

MIDDLEWARE = [
    "arthomed.api.middleware.RequestIdMiddleware",
    "arthomed.api.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "arthomed.health.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "arthomed.api.middleware.ContentSecurityPolicyMiddleware",
    "arthomed.api.middleware.CamelCaseQueryMiddleware",
    "arthomed.api.middleware.ApiExceptionMiddleware",
]

ROOT_URLCONF = "arthomed.urls"
WSGI_APPLICATION = "arthomed.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so a booking's check-then-insert is
    # serialised; WAL + a long busy timeout make the loser wait, then get a clean 409.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", False):
        # psycopg's pool needs CONN_MAX_AGE = 0 (ARCHITECTURE.md, known pitfalls).
        DATABASES["default"]["OPTIONS"] = {"pool": True}
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement run 5 times on a connection kept prepared:
        # the hot reads (the signed-in user, a day's slots, a list page) skip PostgreSQL's planning.
        # Turn off behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache, rate limits -------------------------------------------------------
REDIS_URL = env("REDIS_URL")
SILENCED_SYSTEM_CHECKS: list[str] = []
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # A Redis outage degrades rate limiting and caching, never the API.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "arthomed"}}
    # django-ratelimit wants an atomic-increment cache (E003). The local-memory cache
    # is only used by the single-process embedded default (`make run`, `make test`),
    # where its counters are exact; every multi-process deployment sets REDIS_URL.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

RATELIMIT_USE_CACHE = "default"
# Without a reachable cache django-ratelimit would refuse every request (429s everywhere):
# an outage of Redis stops the counting instead. OTP limits are counted in the database.
RATELIMIT_FAIL_OPEN = True
RATE_LIMIT_WINDOW_MS = env_int("RATE_LIMIT_WINDOW_MS", 900_000)
RATE_LIMIT_MAX_REQUESTS = env_int("RATE_LIMIT_MAX_REQUESTS", 100)
RATE_LIMIT_AUTHENTICATED_MULTIPLIER = 10
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_CONFIGURED = bool(env("CELERY_BROKER_URL") or REDIS_URL)
# Without a broker, tasks run eagerly in-process. Celery still takes a producer from its pool
# for an eager call: the in-memory transport keeps that off the network, where the default
# (amqp://localhost) made kombu warn "No hostname was supplied" on every notification.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = None  # filled below from TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "purge-expired-otps": {"task": "accounts.tasks.purge_expired_otps", "schedule": 3600.0},
    "purge-expired-tokens": {"task": "accounts.tasks.purge_expired_tokens", "schedule": 86400.0},
    # Cheap when nothing is due; the job is idempotent, so overlapping runs are harmless.
    "send-due-reminders": {"task": "appointments.tasks.send_due_reminders", "schedule": 300.0},
    # Pending bookings expire at their start time; a minute's lag is harmless, the job is idempotent.
    "expire-pending-appointments": {"task": "appointments.tasks.expire_pending_appointments", "schedule": 60.0},
    "requeue-stale-sms": {"task": "appointments.tasks.requeue_stale_messages", "schedule": 600.0},
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-in"
# 24-hour HH:MM and day-first dates in the admin (arthomed/formats/en_IN): Django's own en formats are 12-hour.
FORMAT_MODULE_PATH = ["arthomed.formats"]
TIME_ZONE = env("TIME_ZONE", "Asia/Kolkata")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files go through /api/files/ access checks
STORAGE_BACKEND = env("STORAGE_BACKEND", "local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": env("STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")},
}
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_MAX_BYTES = env_int("FILE_MAX_BYTES", 10 * 1024 * 1024)
FILE_MAX_COUNT = env_int("FILE_MAX_COUNT", 5)
# Images above this many pixels are refused from their header, before decoding (a small
# PNG can hold a huge canvas: decoding 88 M pixels takes ~340 MB).
FILE_MAX_PIXELS = env_int("FILE_MAX_PIXELS", 40_000_000)
# JSON bodies are small; uploads are bounded by the per-file and per-request limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("JSON_MAX_BYTES", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_REQUEST_BYTES = FILE_MAX_BYTES * FILE_MAX_COUNT + DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Security -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)  # usually done by the proxy
    if not SECURE_SSL_REDIRECT:
        # HTTP -> HTTPS redirection belongs to the TLS-terminating proxy in front of gunicorn;
        # Django doing it too would also redirect the proxy's plain-HTTP calls to /health.
        SILENCED_SYSTEM_CHECKS += ["security.W008"]
    # Probes call /health over plain HTTP by address (arthomed.health.HealthCheckMiddleware).
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api|health)(/.*)?$"
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "Content-Disposition"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-request-id",
]

# --- Django REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["arthomed.api.renderers.EnvelopeJSONRenderer"],
    # JSON everywhere (SPEC.md §1); upload views, booking and the Twilio callback name their own parsers.
    "DEFAULT_PARSER_CLASSES": ["arthomed.api.parsers.SafeJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "arthomed.api.negotiation.JsonFirstContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["arthomed.api.ratelimit.RequestRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "arthomed.api.pagination.EnvelopePagination",
    "DEFAULT_FILTER_BACKENDS": ["arthomed.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "arthomed.api.schema.EnvelopeAutoSchema",
    "DEFAULT_METADATA_CLASS": "arthomed.api.metadata.OperationMetadata",
    "EXCEPTION_HANDLER": "arthomed.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Datetimes reach the renderer as objects; its encoder writes them all one way (arthomed/api/renderers.py).
    "DATETIME_FORMAT": None,
    # Views document the `<str:pk>` URL argument themselves; keep it as `{pk}` so both agree.
    "SCHEMA_COERCE_PATH_PK": False,
}
JSON_CAMEL_CASE = {
    # `_id` is the contract's identifier name: keep it, do not turn it into `Id`.
    "JSON_UNDERSCOREIZE": {"no_underscore_before_number": True, "ignore_fields": None, "ignore_keys": ("_id",)},
}

JWT_ACCESS_MINUTES = env_int("JWT_ACCESS_MINUTES", 60)
JWT_REFRESH_DAYS = env_int("JWT_REFRESH_DAYS", 30)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=JWT_ACCESS_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=JWT_REFRESH_DAYS),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": env("JWT_ALGORITHM", "HS256"),
    "SIGNING_KEY": env("JWT_SIGNING_KEY", SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "LEEWAY": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Arthomed API",
    "DESCRIPTION": (
        "Backend of the Arthomed orthopaedic clinic app. Every JSON response is wrapped in the "
        "envelope `{success, message, data | error, errors, timestamp}`. Sign in with "
        "`/api/auth/send-otp` then `/api/auth/verify-otp` and send `Authorization: Bearer <accessToken>`."
    ),
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    "POSTPROCESSING_HOOKS": [
        "arthomed.api.schema.camelize_schema",
        "arthomed.api.schema.client_ready_schema",
        "drf_spectacular.hooks.postprocess_schema_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        # Several serializers have a `status` field; name each choice set after its model enum.
        "AppointmentStatusEnum": "appointments.models.AppointmentStatus",
        "PaymentStatusEnum": "appointments.models.PaymentStatus",
        "NotificationKindEnum": "appointments.models.NotificationKind",
        "AppointmentKindEnum": "appointments.models.AppointmentKind",
        "ErrorCodeEnum": "arthomed.api.schema.ERROR_CODES",
        "PaymentMethodEnum": "appointments.models.PaymentMethod",
        "RefundStatusEnum": "appointments.models.RefundStatus",
        "GenderEnum": "accounts.models.Gender",
        "BloodGroupEnum": "accounts.models.BloodGroup",
        "RoleEnum": "arthomed.core.roles.Role",
        "CalendarDayStatusEnum": ["available", "full", "off", "past"],
    },
    "SCHEMA_PATH_PREFIX": r"/api",
    "SECURITY": [{"jwtAuth": []}],
}

# --- Arthomed rules (SPEC.md) ---------------------------------------------------------
OTP_EXPIRY_SECONDS = env_int("OTP_EXPIRY_SECONDS", 300)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 3)
OTP_RESEND_COOLDOWN_SECONDS = env_int("OTP_RESEND_COOLDOWN_SECONDS", 60)
OTP_MAX_PER_NUMBER_PER_HOUR = env_int("OTP_MAX_PER_NUMBER_PER_HOUR", 5)
OTP_MAX_PER_IP_PER_HOUR = env_int("OTP_MAX_PER_IP_PER_HOUR", 20)
# The longest strangers can hold up someone's sign-in: with the hourly budget spent and no
# usable code, a new SMS goes this long after the last (accounts/services/auth.py).
OTP_LOCKOUT_SECONDS = env_int("OTP_LOCKOUT_SECONDS", 900)
OTP_SMS_APP_HASH = env("OTP_SMS_APP_HASH")
BOOKING_MIN_NOTICE_MINUTES = env_int("BOOKING_MIN_NOTICE_MINUTES", 60)
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 60)
CANCEL_MIN_NOTICE_HOURS = env_int("CANCEL_MIN_NOTICE_HOURS", 2)
MAX_ACTIVE_BOOKINGS_PER_PATIENT = env_int("MAX_ACTIVE_BOOKINGS_PER_PATIENT", 5)
# One phone books for a family (SPEC.md §11): members per account, upcoming bookings per account.
FAMILY_MAX_MEMBERS = env_int("FAMILY_MAX_MEMBERS", 8)
MAX_ACTIVE_BOOKINGS_PER_ACCOUNT = env_int("MAX_ACTIVE_BOOKINGS_PER_ACCOUNT", 15)
REMINDER_HOURS_BEFORE = env_int("REMINDER_HOURS_BEFORE", 24)
# A completed visit's follow-up is announced this many days before its date (SPEC.md §11).
FOLLOW_UP_REMINDER_DAYS = env_int("FOLLOW_UP_REMINDER_DAYS", 2)
CLINIC_NAME = env("CLINIC_NAME", "Arthomed")
# The letterhead of printed prescriptions (SPEC.md §11); empty lines are left out.
CLINIC_ADDRESS = env("CLINIC_ADDRESS", "")
CLINIC_PHONE = env("CLINIC_PHONE", "")
CLINIC_REGISTRATION = env("CLINIC_REGISTRATION", "")  # GSTIN or clinical-establishment registration
# Where the PDFs' Unicode font (DejaVu Sans) is; without it they print in Latin-1 core fonts.
PDF_FONT_DIR = env("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
# The front desk and the day's queue (SPEC.md §10, §12).
WALK_INS_PER_DOCTOR_PER_DAY = env_int("WALK_INS_PER_DOCTOR_PER_DAY", 20)
CHECK_IN_OPENS_MINUTES = env_int("CHECK_IN_OPENS_MINUTES", 120)
RECEIPT_PREFIX = env("RECEIPT_PREFIX", "ARTH")
# Opens the waiting-room display (/display/?key=...) on the TV without a staff sign-in; empty: display off.
DISPLAY_KEY = env("DISPLAY_KEY", "")

# --- SMS ----------------------------------------------------------------------------
SMS_BACKEND = env("SMS_BACKEND", "console")
# The console backend logs sign-in codes: production refuses it unless this says it is on purpose
# (arthomed/checks.py, arthomed.E002).
ALLOW_CONSOLE_SMS = env_bool("ALLOW_CONSOLE_SMS", False)
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_STATUS_CALLBACK_URL = env("TWILIO_STATUS_CALLBACK_URL")
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 10)
# Indian carriers (DLT) need each SMS to name its registered template:
# JSON {"<notification kind>": "<template id>"}, e.g. {"reminder": "1107161234567890123"}.
try:
    SMS_DLT_TEMPLATE_IDS = json.loads(env("SMS_DLT_TEMPLATE_IDS") or "{}")
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured("SMS_DLT_TEMPLATE_IDS must be a JSON object") from exc
if not isinstance(SMS_DLT_TEMPLATE_IDS, dict):
    raise ImproperlyConfigured("SMS_DLT_TEMPLATE_IDS must be a JSON object")

# --- Logging --------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "info").upper()
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "arthomed.api.logging.MaskPiiFilter"}},
    "formatters": {
        "json": {"()": "arthomed.api.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["mask_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The request log line is ours: Django's own 4xx lines ("Forbidden (Permission denied)" with a
        # traceback, "Unauthorized") are not logged. A logger without any handler would fall back to
        # Python's last-resort stderr output, so django.request keeps the JSON handler for errors
        # only: an unhandled exception outside /api (the admin) is still logged, once, masked.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Subsetting the PDFs' font logs ~40 info lines per document.
        "fontTools": {"level": "WARNING"},
    },
}
