"""CMS host, test settings (common + test plugin settings), as edx-platform's ``cms/envs/test.py``."""

from __future__ import annotations

import os

from edx_django_utils.plugins import add_plugins

from hosts.cms.common import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {  # a shared cache so that debounce works across the test process and Celery workers (as hosts/base.py)
    "default": (
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["CACHE_REDIS_URL"]}
        if os.environ.get("CACHE_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Tests that exercise tasks use a real Redis broker and worker (tests/celery_worker.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {}  # type: ignore[no-redef]

# Webhook tests run their receivers on loopback (the plugin refuses private addresses unless allowed).
VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
add_plugins(__name__, PROJECT_TYPE, "test")  # noqa: F405
