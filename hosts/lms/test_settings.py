"""LMS host, test settings (common + test plugin settings), as edx-platform's ``lms/envs/test.py``."""

from __future__ import annotations

import os

from edx_django_utils.plugins import add_plugins

from hosts.lms.common import *  # noqa: F403

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

# The XBlock SDK workbench (xblock-sdk, a test requirement): a real XBlock runtime the vault assessment block is
# rendered, driven and graded in (tests/xblock/). Served under /workbench/ by the test URLconf only.
try:
    import workbench  # noqa: F401
except ImportError:  # pragma: no cover - installed from requirements/test.txt
    pass
else:
    from pathlib import Path

    import sample_xblocks

    INSTALLED_APPS.append("workbench")  # noqa: F405
    # The workbench's sample blocks (its vertical_demo holds the scenario's block) keep their templates here.
    TEMPLATES[0]["DIRS"].append(Path(sample_xblocks.__file__).parent / "basic" / "templates")  # type: ignore[attr-defined]  # noqa: F405
    ROOT_URLCONF = "hosts.lms.test_urls"
    WORKBENCH = {"reset_state_on_restart": False, "services": {}}
    EXCLUDED_XBLOCKS: set[str] = set()
