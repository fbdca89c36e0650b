"""
The tool's RSA key pairs: generation, the public JWK, and signing.

TLDR: 2048-bit RSA, RS256 (LTI 1.3 security framework, section 6.1); the kid is a random token so
that a published kid says nothing about the key. Private keys are PEM text kept in the database;
nothing here logs them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["GeneratedKey", "generate_key", "public_jwk", "sign"]


@dataclass(frozen=True, kw_only=True, slots=True)
class GeneratedKey:
    kid: str
    private_key_pem: str
    public_jwk: dict[str, Any]


def public_jwk(private_key_pem: str, kid: str) -> dict[str, Any]:
    """The public half as a JWK with ``kid``, ``alg`` RS256 and ``use`` sig."""
    private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))  # type: ignore[arg-type]
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def generate_key() -> GeneratedKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = secrets.token_urlsafe(16)
    return GeneratedKey(kid=kid, private_key_pem=pem, public_jwk=public_jwk(pem, kid))


def sign(payload: dict[str, Any], *, private_key_pem: str, kid: str) -> str:
    return jwt.encode(payload, private_key_pem, algorithm="RS256", headers={"kid": kid})
