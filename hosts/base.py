"""
Settings shared by the LMS and Studio hosts (the part of edx-platform's ``envs/common.py`` we need).

The database comes from ``DATABASE_URL`` (default: an SQLite file under ``.data/``), the Celery
broker from ``CELERY_BROKER_URL`` (default: a filesystem broker under ``.data/``, so the demo runs
without any server).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import dj_database_url

from hosts import jwt_keys
from hosts.sqlite import configure_sqlite

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("VAULT_DATA_DIR", REPO_ROOT / ".data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-host-secret-key-for-development-only")
# Off unless asked for (DJANGO_DEBUG=1): with DEBUG on, every 500 is a page with the traceback, the settings
# and local variables. scripts/serve.sh serves the static files with ``runserver --insecure`` instead.
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    # The stand-in platform's tables (enrollments, roles, published outlines, gradebook): the hosts' own.
    "hosts.standalone_platform.apps.StandalonePlatformConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # As in the LMS: rebuilds the JWT from the header-payload and signature cookies.
    "edx_rest_framework_extensions.auth.jwt.middleware.JwtAuthCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "hosts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploads waiting for a worker (question imports) live in the default storage, as in edx-platform.
MEDIA_ROOT = str(DATA_DIR / "media")
LOGIN_URL = "/login/"  # the hosts' sign-in page, standing in for the LMS's
LOGIN_REDIRECT_URL = "/"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'vault.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker in another process sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-vault.sqlite3")}
    # Immediate transactions, a busy timeout and WAL: concurrent writers wait, never 500.
    configure_sqlite(cast(dict[str, Any], DATABASES["default"]))
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
# Redis through django-redis, as Tutor configures every cache of edx-platform (``"BACKEND":
# "django_redis.cache.RedisCache"`` in tutor/templates/apps/openedx/settings/partials/common_all.py; its openedx image
# installs django-redis==5.4.0, tutor/templates/build/openedx/Dockerfile). django-redis keeps one redis-py client per
# cache; Django's own ``RedisCache`` builds one per call (ADR 0032: about 8% of a submission's CPU here).
if os.environ.get("CACHE_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["CACHE_REDIS_URL"],
    }

# Celery (new-style CELERY_ names; edx-platform uses the old names, which Tutor's patch writes).
_broker_dir = DATA_DIR / "celery-broker"
for _sub in ("in", "processed", "control"):
    (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "data_folder_processed": str(_broker_dir / "processed"),
        # kombu's default is ./control, in whatever directory the process runs from.
        "control_folder": str(_broker_dir / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "0") == "1"
CELERY_TASK_ACKS_LATE = True
# Submits attempts whose timer task was lost, reports queued grades whose task was lost (Tutor renders
# the same entries for the LMS's beat).
CELERY_BEAT_SCHEDULE = {
    "ve-edu-vault-sweep-expired-attempts": {
        "task": "ve_edu_vault.assessments.tasks.sweep_expired_attempts",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "ve-edu-vault-deliver-webhooks": {
        "task": "ve_edu_vault.webhooks.tasks.deliver_webhooks",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "ve-edu-vault-report-pending-grades": {
        "task": "ve_edu_vault.assessments.tasks.report_pending_grades",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # AGS scores whose delivery task was lost, or whose retry is due (LTI tool).
    "ve-edu-vault-deliver-lti-scores": {
        "task": "ve_edu_vault.lti.tasks.deliver_lti_scores",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Uploaded question files not imported within VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS are deleted.
    "ve-edu-vault-expire-question-uploads": {
        "task": "ve_edu_vault.questions.tasks.expire_question_uploads",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Open edX JWTs, signed and verified as a Tutor LMS does (tutor/templates/apps/openedx/settings/partials/
# common_all.py): an RSA key pair (RS512, kid "openedx") and a symmetric secret, made once per data directory
# (hosts/jwt_keys.py). The public key set must not be empty: edx-drf-extensions 10.9.0 then accepts any token
# (docs/decisions/0006-jwt-signing-keys.rst; the plugin's system check ve_edu_vault.E001 refuses to start).
_JWT_ISSUER = "http://127.0.0.1:8000/oauth2"
_JWT_KEYS = jwt_keys.jwt_auth_keys(DATA_DIR)
JWT_AUTH = {
    "JWT_AUTH_HEADER_PREFIX": "JWT",  # as edx-platform: clients send "Authorization: JWT <token>"
    "JWT_ISSUER": _JWT_ISSUER,
    "JWT_AUDIENCE": "openedx",
    **_JWT_KEYS,
    "JWT_ISSUERS": [{"ISSUER": _JWT_ISSUER, "AUDIENCE": "openedx", "SECRET_KEY": _JWT_KEYS["JWT_SECRET_KEY"]}],
    "JWT_AUTH_COOKIE": "edx-jwt-cookie",
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_VERIFY_AUDIENCE": True,
    "JWT_SUPPORTED_VERSION": "1.2.0",
}

# Where each host is served (scripts/serve.sh sets them from LMS_PORT/CMS_PORT): the home page links
# the learner pages on the LMS host and the authoring pages on the Studio host, as the LMS and Studio do.
VAULT_LMS_ROOT = os.environ.get("VAULT_LMS_ROOT", "http://127.0.0.1:8000").rstrip("/")
VAULT_CMS_ROOT = os.environ.get("VAULT_CMS_ROOT", "http://127.0.0.1:8001").rstrip("/")

OPENEDX_TELEMETRY: list[str] = []  # no New Relic or Datadog in the hosts

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VAULT_LOG_LEVEL", "WARNING")},
}

# The plugin reads these; the hosts use their stand-in platform backend unless told otherwise.
# The LTI tool (off unless VE_EDU_VAULT_LTI_ENABLED=1): its URLs are the LMS host's, as platforms see it.
VE_EDU_VAULT_LTI_ENABLED = os.environ.get("VE_EDU_VAULT_LTI_ENABLED", "0") == "1"
VE_EDU_VAULT_LTI_BASE_URL = VAULT_LMS_ROOT
VE_EDU_VAULT_PLATFORM_BACKEND = os.environ.get("VE_EDU_VAULT_PLATFORM_BACKEND", "hosts.standalone_platform.backend")
# The storage backend of questions, attempts and responses: `make demo VE_EDU_VAULT_STORAGE_BACKEND=mongodb
# VE_EDU_VAULT_MONGODB_URL=mongodb://...` (README, "MongoDB storage").
for _name in ("VE_EDU_VAULT_STORAGE_BACKEND", "VE_EDU_VAULT_MONGODB_URL", "VE_EDU_VAULT_MONGODB_DATABASE"):
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]
if os.environ.get("VE_EDU_VAULT_OUTLINE_SOURCE"):
    VE_EDU_VAULT_OUTLINE_SOURCE = os.environ["VE_EDU_VAULT_OUTLINE_SOURCE"]
# Webhooks: the test suite's receivers listen on loopback, which the plugin refuses unless allowed; the worker tests
# shorten the retry backoff through the environment.
if os.environ.get("VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS"):
    VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = os.environ["VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS"].split(",")
if os.environ.get("VE_EDU_VAULT_WEBHOOKS_ENABLED"):  # bench/bench_submit.py --webhooks off
    VE_EDU_VAULT_WEBHOOKS_ENABLED = os.environ["VE_EDU_VAULT_WEBHOOKS_ENABLED"] == "1"
if os.environ.get("VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS"):
    VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS = float(os.environ["VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS"])
