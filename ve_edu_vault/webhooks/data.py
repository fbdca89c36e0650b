"""Frozen data the webhooks applet hands out (to views, tasks and other applets): never its rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionData:
    id: int
    url: str
    description: str
    course_key: str | None
    event_types: tuple[str, ...]
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    previous_secret_expires: datetime | None
    created: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class SigningKeys:
    """What a delivery is signed with: the current secret, and the previous one while a rotation overlaps."""

    url: str
    secrets: tuple[str, ...]
    active: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryData:
    id: int
    subscription_id: int
    event_id: str
    event_type: str
    course_key: str | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    response_status: int | None
    response_body: str
    error: str
    replays: int
    created: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class OutgoingMessage:
    """One delivery to make now: where, what (the exact body bytes) and with which keys."""

    delivery_id: int
    subscription_id: int
    message_id: str
    url: str
    body: bytes
    secrets: tuple[str, ...]
    attempts: int


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptOutcome:
    """What one try gave: a status code and the start of the answer, or an error (no answer)."""

    ok: bool
    status: int | None = None
    body: str = ""
    error: str = ""

    def summary(self) -> dict[str, Any]:
        return {"ok": self.ok, "status": self.status, "error": self.error}
