"""
Webhooks in: verify a signed message, refuse replays, and hand it to the handler registered for its type.

TLDR: senders sign as the Standard Webhooks specification says, with the site's
``VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET``; ``standardwebhooks`` checks the signature and that the timestamp is within 5
minutes of now; the message id is then recorded once (a unique row), so a replayed message inside that window is
answered as a duplicate without running its handler again, and one outside it fails the timestamp check.
Handlers: ``register("event.type", handler)`` in code, or the ``ve_edu_vault.webhook_handlers`` entry point group
(entry point name: the event type; value: the handler). A handler gets the message's ``data`` and its id, runs in
the request's transaction with the id record, and returns a short outcome; it raises ``VaultError`` for bad data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import entry_points
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from ve_edu_vault import conf
from ve_edu_vault.errors import ValidationError, VaultError

from . import store

__all__ = [
    "ENTRY_POINT_GROUP",
    "Handler",
    "InboundResult",
    "InvalidSignatureError",
    "handler_types",
    "receive",
    "register",
    "unregister",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ve_edu_vault.webhook_handlers"
MAX_BODY_BYTES = 1024 * 1024
#: How long message ids are kept: far past the 5-minute timestamp window of the library.
KEEP_IDS = timedelta(days=2)


class InvalidSignatureError(VaultError):
    """The message is not signed with the site's secret, or its timestamp is outside the window (a 401)."""

    code = "invalid_signature"
    http_status = 401
    default_message = _("The webhook signature or timestamp is not valid.")


Handler = Callable[..., Any]
_handlers: dict[str, Handler] = {}
_entry_points_loaded = [False]


@dataclass(frozen=True, kw_only=True, slots=True)
class InboundResult:
    status: str  # "accepted", "duplicate" or "ignored" (no handler for the type)
    message_id: str
    event_type: str
    outcome: str = ""


def register(event_type: str, handler: Handler) -> None:
    """Handle messages of ``event_type`` with ``handler(data, *, message_id) -> str | None`` (the last one wins)."""
    _handlers[event_type] = handler


def unregister(event_type: str) -> None:
    _handlers.pop(event_type, None)


def _load_entry_points() -> None:
    if _entry_points_loaded[0]:
        return
    _entry_points_loaded[0] = True
    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            _handlers.setdefault(point.name, point.load())
        except Exception:  # a broken plugin is skipped and logged, like a broken question type
            log.exception("Could not load the webhook handler %s (%s)", point.name, point.value)


def handler_types() -> list[str]:
    _load_entry_points()
    return sorted(_handlers)


def _secret() -> str | bytes:
    secret = conf.webhook_inbound_secret()
    if not secret:
        raise InvalidSignatureError(_("This site receives no webhooks (no signing secret is configured)."))
    return secret if secret.startswith("whsec_") else secret.encode("utf-8")


def receive(body: bytes, headers: dict[str, str]) -> InboundResult:
    """Verify and dispatch one message; :class:`InvalidSignatureError` (401) when the signature or time is wrong."""
    try:
        payload = Webhook(_secret()).verify(body, headers)
    except InvalidSignatureError:
        raise
    except Exception as exc:  # the library's WebhookVerificationError, and malformed headers or bodies
        raise InvalidSignatureError() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ValidationError(_('The body must be a JSON object with a "type".'), field="type")
    event_type: str = payload["type"]
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    message_id = {key.lower(): value for key, value in headers.items()}["webhook-id"]
    _load_entry_points()
    handler = _handlers.get(event_type)
    with transaction.atomic():
        if not store.remember_inbound(message_id, event_type):
            return InboundResult(status="duplicate", message_id=message_id, event_type=event_type)
        if handler is None:
            store.set_inbound_outcome(message_id, "ignored: no handler")
            return InboundResult(status="ignored", message_id=message_id, event_type=event_type)
        outcome = str(handler(data, message_id=message_id) or "")
        store.set_inbound_outcome(message_id, outcome)
    return InboundResult(status="accepted", message_id=message_id, event_type=event_type, outcome=outcome)


def forget_old_messages() -> int:
    """Drop message ids older than :data:`KEEP_IDS` (their timestamps fail the window anyway)."""
    return store.forget_inbound_before(timezone.now() - KEEP_IDS)
