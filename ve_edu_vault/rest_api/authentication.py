"""
JWT authentication for the vault's views: edx-drf-extensions' ``JwtAuthentication``, refusing every
token while no public signing key is configured.

TLDR: edx-drf-extensions 10.9.0's ``decoder._verify_jwt_signature`` treats an empty
``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]`` as a verified signature (its loop over zero keys raises
nothing), so an LMS or Studio without that setting accepts any token, ``alg: none`` included
(docs/decisions/0006-jwt-signing-keys.rst). The system check ``ve_edu_vault.E001`` stops such a
deployment at start-up; this class is the second line, for processes that never run checks
(gunicorn, Celery) and for development settings, where the check only warns.
"""

from __future__ import annotations

import functools
from typing import Any

import jwt
from django.conf import settings
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from jwt.api_jwk import PyJWKSet

__all__ = ["VaultJwtAuthentication", "public_signing_key_problem"]


def public_signing_key_problem() -> str | None:
    """Why ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]`` cannot verify a signature, or None when it can."""
    jwt_auth = getattr(settings, "JWT_AUTH", None) or {}
    raw = jwt_auth.get("JWT_PUBLIC_SIGNING_JWK_SET")
    if not raw:
        return "is not set"
    if not isinstance(raw, str):
        # The decoder reads it with PyJWKSet.from_json, as Tutor renders it: a JSON string.
        return f"must be a JSON string (a JWK set), not {type(raw).__name__}"
    return _key_set_problem(raw)


@functools.lru_cache(maxsize=8)  # read on every JWT request: parse each distinct value once
def _key_set_problem(raw: str) -> str | None:
    try:
        key_set = PyJWKSet.from_json(raw)
    except Exception as exc:  # PyJWT raises several kinds for unreadable sets
        return f"cannot be read as a JWK set ({exc})"
    if not key_set.keys:  # PyJWT raises for an empty set today; this guards a future version that does not
        return "holds no key"
    return None


class VaultJwtAuthentication(JwtAuthentication):
    """``JwtAuthentication`` that verifies nothing, and so accepts nothing, without a public key set."""

    @classmethod
    def jwt_decode_token(cls, *args: Any, **kwargs: Any) -> Any:
        problem = public_signing_key_problem()
        if problem is not None:
            # drf-jwt turns this into a 401 (header) or ignores the cookie (JwtAuthentication forgives cookies).
            raise jwt.InvalidTokenError(f'JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] {problem}: no JWT can be verified.')
        return super().jwt_decode_token(*args, **kwargs)
