"""
Signing outbound messages as the Standard Webhooks specification says, with its maintained library.

TLDR: ``webhook-id`` (the event id: the receivers' idempotency key, the same on every retry and replay),
``webhook-timestamp`` (seconds, this try) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``id.timestamp.body``; one per secret, space separated, while a rotation overlaps). Secrets are ``whsec_`` + base64
of 32 random bytes, the form the specification's libraries read.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

__all__ = ["new_secret", "signed_headers"]

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format marker, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signed_headers(message_id: str, body: bytes, secrets_: tuple[str, ...], *, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` sent at ``at``, signed with every secret given."""
    text = body.decode("utf-8")
    signatures = " ".join(Webhook(secret).sign(msg_id=message_id, timestamp=at, data=text) for secret in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
