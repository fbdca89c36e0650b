"""
The hosts' JWT signing keys: one RSA key pair and one symmetric secret per data directory.

TLDR: the hosts sign and verify Open edX JWTs as a Tutor LMS does. Tutor generates a 2048-bit RSA
key per site (``JWT_RSA_PRIVATE_KEY: "{{ 2048|rsa_private_key }}"`` in tutor/templates/config/base.yml)
and renders it as ``JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]`` and ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``
(kid "openedx", tutor/templates/apps/openedx/settings/partials/common_all.py), next to a random
symmetric ``JWT_SECRET_KEY``. Here the keys are made once, on first use, in
``<VAULT_DATA_DIR>/jwt-signing-keys.json`` (mode 0600): never in the repository, so nobody can
read a signing key from the source (the hosts used to ship a fixed symmetric secret). Without a
public key set edx-drf-extensions accepts forged tokens: see docs/decisions/0006-jwt-signing-keys.rst.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_ID = "openedx"  # as Tutor names its key
FILE_NAME = "jwt-signing-keys.json"
_PUBLIC_MEMBERS = ("kty", "kid", "e", "n")


def _new_keys() -> dict[str, object]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True)
    private_jwk["kid"] = KEY_ID
    return {"private_jwk": private_jwk, "secret": secrets.token_urlsafe(48)}


def load_or_create(data_dir: Path) -> dict[str, object]:
    """The data directory's keys, made on first use; concurrent first uses agree on one file."""
    path = data_dir / FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".jwt-keys-")  # created 0600
        try:
            with os.fdopen(descriptor, "w") as handle:
                json.dump(_new_keys(), handle)
            with contextlib.suppress(FileExistsError):  # another process made the file first: use its keys
                os.link(temporary, path)  # atomic
        finally:
            os.unlink(temporary)
    keys: dict[str, object] = json.loads(path.read_text())
    return keys


def jwt_auth_keys(data_dir: Path) -> dict[str, str]:
    """The ``JWT_AUTH`` entries for signing and verifying, as Tutor renders them."""
    keys = load_or_create(data_dir)
    private_jwk = keys["private_jwk"]
    assert isinstance(private_jwk, dict)
    public_jwk = {name: private_jwk[name] for name in _PUBLIC_MEMBERS}
    return {
        "JWT_SIGNING_ALGORITHM": "RS512",
        "JWT_PRIVATE_SIGNING_JWK": json.dumps(private_jwk),
        "JWT_PUBLIC_SIGNING_JWK_SET": json.dumps({"keys": [public_jwk]}),
        "JWT_SECRET_KEY": str(keys["secret"]),
    }
