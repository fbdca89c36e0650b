"""
The LMS host's production settings without a JWT public key set (for the system check's tests).

``VAULT_TEST_JWT_KEYS_REQUIRED`` (``1``, ``0`` or unset) sets ``VE_EDU_VAULT_JWT_KEYS_REQUIRED``
to True, False, or leaves the production default.
"""

from __future__ import annotations

import os

from hosts.lms.settings import *  # noqa: F403

JWT_AUTH = {
    name: value
    for name, value in JWT_AUTH.items()  # noqa: F405
    if name not in ("JWT_PUBLIC_SIGNING_JWK_SET", "JWT_PRIVATE_SIGNING_JWK", "JWT_SIGNING_ALGORITHM")
}
if os.environ.get("VAULT_TEST_JWT_KEYS_REQUIRED") in ("0", "1"):
    VE_EDU_VAULT_JWT_KEYS_REQUIRED = os.environ["VAULT_TEST_JWT_KEYS_REQUIRED"] == "1"
