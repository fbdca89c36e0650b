"""
The plugin's Django system checks.

TLDR: ``ve_edu_vault.E001`` stops the LMS or Studio when JWTs are authenticated without a usable
``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``: edx-drf-extensions 10.9.0 then accepts forged tokens
(docs/decisions/0006-jwt-signing-keys.rst). Django runs these checks in ``check``, ``runserver``
and ``migrate`` (which Tutor's init jobs run at every ``tutor local launch`` / ``tutor k8s launch``),
and an Error makes each of them refuse to go on. WSGI servers and Celery workers run no checks:
there ``rest_api.authentication.VaultJwtAuthentication`` refuses every JWT instead.
The severity comes from ``VE_EDU_VAULT_JWT_KEYS_REQUIRED``: an Error with the production
settings, a Warning (``ve_edu_vault.W001``) with the test and devstack settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.utils.module_loading import import_string
from rest_framework_jwt.authentication import JSONWebTokenAuthentication

from ve_edu_vault import conf
from ve_edu_vault.rest_api.authentication import public_signing_key_problem

__all__ = ["check_jwt_signing_keys", "jwt_authentication_classes"]

_HINT = (
    'Set JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] to the JSON JWK set of the LMS\'s public signing key(s), '
    'as Tutor does (and JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"] in the LMS); see the README\'s security notes. '
    "On a development machine only, VE_EDU_VAULT_JWT_KEYS_REQUIRED = False makes this a warning."
)


def _classes(entries: Iterable[Any]) -> list[type]:
    found = []
    for entry in entries:
        try:
            klass = import_string(entry) if isinstance(entry, str) else entry
        except ImportError:
            continue  # not ours to report: DRF fails on it at the first request anyway
        if isinstance(klass, type):
            found.append(klass)
    return found


def jwt_authentication_classes() -> list[type]:
    """
    The JWT authentication classes in use: the vault's views', and DRF's defaults, which are the LMS's and
    Studio's own views' (edx-platform's openedx/envs/common.py lists ``DefaultJwtAuthentication`` there).
    """
    from ve_edu_vault.rest_api.views import VaultViewMixin

    rest_framework = getattr(settings, "REST_FRAMEWORK", None) or {}
    candidates = [
        *_classes(VaultViewMixin.authentication_classes),
        *_classes(rest_framework.get("DEFAULT_AUTHENTICATION_CLASSES", ())),
    ]
    return [klass for klass in candidates if issubclass(klass, JSONWebTokenAuthentication)]


@register(Tags.security)
def check_jwt_signing_keys(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    in_use = jwt_authentication_classes()
    if not in_use:
        return []
    problem = public_signing_key_problem()
    if problem is None:
        return []
    names = ", ".join(sorted({f"{klass.__module__}.{klass.__qualname__}" for klass in in_use}))
    message = (
        f'JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] {problem}, but JWTs are authenticated ({names}). '
        "edx-drf-extensions then accepts forged JWTs (alg none, any key) as any user, staff included; "
        "the vault's views refuse every JWT until it is set."
    )
    if conf.jwt_keys_required():
        return [Error(message, hint=_HINT, id="ve_edu_vault.E001")]
    return [CheckWarning(message, hint=_HINT, id="ve_edu_vault.W001")]
