"""
Settings for a worker (or server) process under fault injection: a host's test settings, plus

- ``VAULT_FAULT_BASE_SETTINGS``: the host settings module to extend (default ``hosts.lms.test_settings``);
- ``VAULT_SLOW_SQL``: a regular expression; each statement matching it waits ``VAULT_SLOW_SQL_SECONDS`` (default
  30) before it runs, after touching the file ``VAULT_SLOW_SQL_MARK`` (if set), so a test knows the process is
  inside that transaction and can kill it there;
- ``VAULT_BEAT_SECONDS``: how often the beat sends its periodic tasks (the sweep, the grade reports);
- ``VAULT_FAULT_LTI_BASE_URL``: the LTI tool on, served at this base URL;
- ``CELERY_VISIBILITY_TIMEOUT``: seconds before Redis hands an unacknowledged message (a killed worker's) to
  another worker (kombu's default is an hour), which then scans for such messages every second.
"""

from __future__ import annotations

import os
import re
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from django.db.backends.signals import connection_created

_base = import_module(os.environ.get("VAULT_FAULT_BASE_SETTINGS", "hosts.lms.test_settings"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **_base.CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"]),
        # kombu 5.7 scans for abandoned messages every unacked_restore_interval (10 s) x unacked_restore_throttle
        # (10) seconds, and once at start-up: a worker started less than visibility_timeout after the kill found
        # nothing then and waited 100 s for the next scan (kombu/transport/redis.py, QoS.restore_visible).
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if os.environ.get("VAULT_BEAT_SECONDS"):  # the beat's periodic runs, sooner (what a test can wait for)
    _every = float(os.environ["VAULT_BEAT_SECONDS"])
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": _every, "options": {"expires": _every}}
        for name, entry in _base.CELERY_BEAT_SCHEDULE.items()
    }

_SLOW = (
    re.compile(os.environ["VAULT_SLOW_SQL"], re.IGNORECASE | re.DOTALL) if os.environ.get("VAULT_SLOW_SQL") else None
)
_SLOW_SECONDS = float(os.environ.get("VAULT_SLOW_SQL_SECONDS", "30"))
_MARK = os.environ.get("VAULT_SLOW_SQL_MARK")


def _slow(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    if _SLOW is not None and _SLOW.search(sql):
        if _MARK:
            Path(_MARK).touch()
        time.sleep(_SLOW_SECONDS)
    return execute(sql, params, many, context)


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _slow not in connection.execute_wrappers:
        connection.execute_wrappers.append(_slow)


if _SLOW is not None:
    connection_created.connect(_install, dispatch_uid="vault-fault-slow-sql")

if os.environ.get("VAULT_FAULT_LTI_BASE_URL"):  # the LTI tool on, at this base URL (a served host)
    VE_EDU_VAULT_LTI_ENABLED = True
    VE_EDU_VAULT_LTI_BASE_URL = os.environ["VAULT_FAULT_LTI_BASE_URL"]
