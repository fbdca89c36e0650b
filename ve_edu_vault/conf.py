"""
Typed access to the plugin's Django settings, and their start-up validation.

TLDR: read ``VE_EDU_VAULT_*`` settings through the functions here, never ``settings.X`` scattered
around; ``validate_settings()`` runs in ``AppConfig.ready()`` so a bad configuration stops the LMS
or Studio at start-up with a message naming the setting, not at the first request.
"""

from __future__ import annotations

import ipaddress
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The backends the plugin ships; a dotted module path names any other (the hosts' stand-in platform:
# "hosts.standalone_platform.backend").
PLATFORM_BACKEND_ALIASES: dict[str, str] = {
    "edx_platform": "ve_edu_vault.platform.backends.edx_platform_verawood",
}
OUTLINE_SOURCES = ("modulestore", "blocks_api")
STORAGE_BACKENDS = ("django", "mongodb")


def get(name: str) -> Any:
    from ve_edu_vault.settings.common import DEFAULTS

    return getattr(settings, name, DEFAULTS.get(name))


def platform_backend_path() -> str:
    value = get("VE_EDU_VAULT_PLATFORM_BACKEND")
    return PLATFORM_BACKEND_ALIASES.get(value, value)


def sync_debounce_seconds() -> int:
    return int(get("VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS"))


def auto_sync_enabled() -> bool:
    return bool(get("VE_EDU_VAULT_AUTO_SYNC_ENABLED"))


def outline_source() -> str:
    return str(get("VE_EDU_VAULT_OUTLINE_SOURCE"))


def blocks_api_refresh_wait_seconds() -> int:
    return int(get("VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS"))


def studio_root_url() -> str:
    """
    Studio's public root URL, for links from LMS pages to Studio pages ("" when unknown).

    ``VE_EDU_VAULT_STUDIO_URL`` if set, else edx-platform's ``CMS_ROOT_URL`` (what Tutor sets in the LMS's settings,
    ``CMS_ROOT_URL = "http://{}".format(CMS_BASE)``, tutor/templates/apps/openedx/settings/lms/development.py and its
    production partials), else ``https://`` + ``CMS_BASE`` (the host name edx-platform's lms/envs/common.py keeps).
    """
    configured = get("VE_EDU_VAULT_STUDIO_URL") or get("CMS_ROOT_URL") or ""
    if not configured and get("CMS_BASE"):
        configured = f"https://{get('CMS_BASE')}"
    return str(configured).rstrip("/")


def webhooks_enabled() -> bool:
    return bool(get("VE_EDU_VAULT_WEBHOOKS_ENABLED"))


def webhook_allowed_networks() -> list[str]:
    return [str(item) for item in get("VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS") or []]


def webhook_number(name: str) -> float:
    """``VE_EDU_VAULT_WEBHOOK_<name>`` as a number (tries, seconds)."""
    return float(get(f"VE_EDU_VAULT_WEBHOOK_{name}"))


def webhook_inbound_secret() -> str:
    return str(get("VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET") or "")


def celery_queue() -> str | None:
    value = get("VE_EDU_VAULT_CELERY_QUEUE")
    return str(value) if value else None


def jwt_keys_required() -> bool:
    """True unless the settings say otherwise: None (the default) means required (production settings)."""
    return get("VE_EDU_VAULT_JWT_KEYS_REQUIRED") is not False


def import_storage() -> Any:
    """The storage that keeps question uploads for the worker (see ``VE_EDU_VAULT_IMPORT_STORAGE``)."""
    from django.core.files.storage import default_storage
    from django.utils.module_loading import import_string

    path = get("VE_EDU_VAULT_IMPORT_STORAGE") or getattr(settings, "COURSE_IMPORT_EXPORT_STORAGE", None)
    if not path:
        return default_storage
    return import_string(path)()


def export_storage() -> Any:
    """The storage the export task writes files to (see ``VE_EDU_VAULT_EXPORT_STORAGE``)."""
    from django.core.files.storage import default_storage
    from django.utils.module_loading import import_string

    path = get("VE_EDU_VAULT_EXPORT_STORAGE")
    return import_string(path)() if path else default_storage


def import_inline_max_bytes() -> int:
    return int(get("VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES"))


def import_max_bytes() -> int:
    return int(get("VE_EDU_VAULT_IMPORT_MAX_BYTES"))


def analytics_summaries_mode() -> str:
    """ "task" or "inline": who adds a graded attempt to the item-analysis summaries."""
    mode = str(get("VE_EDU_VAULT_ANALYTICS_SUMMARIES"))
    return mode if mode in ("task", "inline") else "task"


def import_upload_ttl_hours() -> float:
    """How long an upload that was not imported is kept in the import storage."""
    return float(get("VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS"))


def answer_max_part_bytes() -> int:
    """Largest stored answer to one part of a question (compact JSON, UTF-8)."""
    return int(get("VE_EDU_VAULT_ANSWER_MAX_PART_BYTES"))


def answer_max_request_bytes() -> int:
    """Largest total of the answers saved by one request."""
    return int(get("VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES"))


def _fail(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"ve-edu-vault: setting {name} {problem}")


def validate_storage() -> None:
    """
    With the ``mongodb`` storage backend, reach the server (a short ping) or raise ImproperlyConfigured naming
    ``VE_EDU_VAULT_MONGODB_URL``. Called at start-up (``apps.ready``), after ``validate_settings``.
    """
    if get("VE_EDU_VAULT_STORAGE_BACKEND") != "mongodb":
        return
    options = get("VE_EDU_VAULT_MONGODB_OPTIONS")
    if options is not None and not isinstance(options, dict):
        raise _fail("VE_EDU_VAULT_MONGODB_OPTIONS", "must be a dict of MongoClient keyword arguments.")
    from ve_edu_vault.storage import mongodb

    try:
        mongodb.ping()
    except mongodb.StorageUnavailable as error:
        raise _fail(
            "VE_EDU_VAULT_MONGODB_URL",
            f'is set for VE_EDU_VAULT_STORAGE_BACKEND="mongodb", but the server cannot be reached: {error}',
        ) from error


def validate_settings() -> None:
    """Raise ImproperlyConfigured, naming the setting, for any invalid plugin setting."""
    backend = get("VE_EDU_VAULT_PLATFORM_BACKEND")
    if not isinstance(backend, str) or not backend:
        raise _fail("VE_EDU_VAULT_PLATFORM_BACKEND", "must be a backend name or a dotted module path.")
    path = PLATFORM_BACKEND_ALIASES.get(backend, backend)
    if backend not in PLATFORM_BACKEND_ALIASES and "." not in backend:
        raise _fail(
            "VE_EDU_VAULT_PLATFORM_BACKEND",
            f"is {backend!r}, which is not a known backend ({', '.join(sorted(PLATFORM_BACKEND_ALIASES))}) "
            "or a dotted module path.",
        )
    try:
        import_module(path)
    except ImportError as exc:
        raise _fail("VE_EDU_VAULT_PLATFORM_BACKEND", f"names {path!r}, which cannot be imported: {exc}") from exc

    source = get("VE_EDU_VAULT_OUTLINE_SOURCE")
    if source not in OUTLINE_SOURCES:
        raise _fail("VE_EDU_VAULT_OUTLINE_SOURCE", f"is {source!r}; expected one of {', '.join(OUTLINE_SOURCES)}.")
    if source == "blocks_api":
        for name in (
            "VE_EDU_VAULT_BLOCKS_API_URL",
            "VE_EDU_VAULT_BLOCKS_API_CLIENT_ID",
            "VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET",
        ):
            if not get(name):
                raise _fail(name, 'is required when VE_EDU_VAULT_OUTLINE_SOURCE is "blocks_api".')

    storage = get("VE_EDU_VAULT_STORAGE_BACKEND")
    if storage not in STORAGE_BACKENDS:
        raise _fail("VE_EDU_VAULT_STORAGE_BACKEND", f"is {storage!r}; expected one of {', '.join(STORAGE_BACKENDS)}.")
    if storage == "mongodb" and not get("VE_EDU_VAULT_MONGODB_URL"):
        raise _fail("VE_EDU_VAULT_MONGODB_URL", 'is required when VE_EDU_VAULT_STORAGE_BACKEND is "mongodb".')

    report = get("VE_EDU_VAULT_GRADE_REPORT")
    if report not in ("task", "inline"):
        raise _fail("VE_EDU_VAULT_GRADE_REPORT", f'is {report!r}; expected "task" or "inline".')

    networks = get("VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS")
    try:
        for network in networks or []:
            ipaddress.ip_network(network)
    except (TypeError, ValueError) as exc:
        raise _fail("VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS", f"must list networks such as '10.0.0.0/8': {exc}") from exc

    rates = get("VE_EDU_VAULT_API_THROTTLE_RATES")
    if not isinstance(rates, dict):
        raise _fail(
            "VE_EDU_VAULT_API_THROTTLE_RATES", f'must be a dict of scope to rate ("600/minute"), not {rates!r}.'
        )
    from ve_edu_vault.rest_api.throttling import parse_rate

    for scope, rate in rates.items():
        try:
            if rate is not None:
                parse_rate(rate)
        except ValueError:
            raise _fail(
                "VE_EDU_VAULT_API_THROTTLE_RATES", f'has {scope}: {rate!r}, not a rate such as "600/minute" or None.'
            ) from None

    required = get("VE_EDU_VAULT_JWT_KEYS_REQUIRED")
    if required is not None and not isinstance(required, bool):
        raise _fail("VE_EDU_VAULT_JWT_KEYS_REQUIRED", f"must be True, False or None, not {required!r}.")

    from ve_edu_vault.hooks.filters import RENAMED_FILTER_TYPES

    configured = getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None) or {}
    for old, new in RENAMED_FILTER_TYPES.items():
        if old in configured:
            raise _fail("OPEN_EDX_FILTERS_CONFIG", f"configures {old!r}: this filter is now named {new!r}.")

    wait = get("VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS")
    if isinstance(wait, bool) or not isinstance(wait, int) or wait < 0:
        raise _fail(
            "VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS", f"must be a whole number of seconds >= 0, not {wait!r}."
        )

    debounce = get("VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS")
    if isinstance(debounce, bool) or not isinstance(debounce, int) or debounce < 0:
        raise _fail("VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS", f"must be a whole number of seconds >= 0, not {debounce!r}.")

    for name in ("VE_EDU_VAULT_ANSWER_MAX_PART_BYTES", "VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES"):
        limit = get(name)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 64:
            raise _fail(name, f"must be a whole number of bytes >= 64, not {limit!r}.")
