"""
Open edX JWTs for tests, signed the way the LMS signs them.

TLDR: ``lms_jwt(user)`` is a real token signed with the host's private key
(``JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]``, ``JWT_SIGNING_ALGORITHM``), the key pair a Tutor LMS
signs with. The claims follow edx-platform's ``openedx/core/djangoapps/oauth_dispatch/jwt.py``
(``_create_jwt`` and ``_encode_and_sign`` with ``use_asymmetric_key``). ``b64``, ``segments`` and
``sign_hmac`` help tests build forged tokens byte by byte.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from django.conf import settings
from jwt.api_jwk import PyJWK


def claims_for(user: Any, **overrides: Any) -> dict[str, Any]:
    """The claims the LMS puts in a user's JWT (scopes email and profile), with overrides."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": settings.JWT_AUTH["JWT_AUDIENCE"],
        "exp": now + 600,
        "grant_type": "password",
        "iat": now,
        "iss": settings.JWT_AUTH["JWT_ISSUER"],
        "preferred_username": user.username if user is not None else "nobody",
        "scopes": ["user_id", "email", "profile"],
        "version": settings.JWT_AUTH["JWT_SUPPORTED_VERSION"],
        "filters": [],
        "is_restricted": False,
        "email_verified": True,
        "user_id": user.pk if user is not None else 0,
        "email": user.email if user is not None else "nobody@example.com",
        "administrator": bool(user.is_staff) if user is not None else False,
        "superuser": bool(user.is_superuser) if user is not None else False,
    }
    claims.update(overrides)
    return claims


def private_jwk() -> PyJWK:
    """The host's private signing key, loaded once per key (a load checks the RSA key: 35-70 ms on the test machine)."""
    return _loaded_jwk(settings.JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"])


@functools.lru_cache(maxsize=8)
def _loaded_jwk(jwk: str) -> PyJWK:
    return PyJWK.from_json(jwk)


def lms_jwt(user: Any, **overrides: Any) -> str:
    """A JWT for ``user`` signed with the host's private key, as the LMS signs asymmetric JWTs."""
    key = private_jwk()
    algorithm = settings.JWT_AUTH["JWT_SIGNING_ALGORITHM"]
    kid = json.loads(settings.JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]).get("kid")
    return jwt.encode(claims_for(user, **overrides), key=key.key, algorithm=algorithm, headers={"kid": kid})


def jwt_headers(token: str) -> dict[str, str]:
    """The header a REST client sends a JWT in, as the LMS's own clients do: ``Authorization: JWT <token>``."""
    return {"Authorization": f"JWT {token}"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """``base64url(header).base64url(claims)``: the signed part of a JWS, built without any library checks."""
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def sign_hmac(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    """A token whose signature is an HMAC (HS256/HS384/HS512 from ``header["alg"]``) over its segments."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[header["alg"]]
    signed = segments(header, claims)
    return f"{signed}.{b64(hmac.new(secret, signed.encode(), digest).digest())}"
