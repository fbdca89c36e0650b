"""
The plugin's own Django signals, one per event other services care about, and the in-transaction record of each.

TLDR: applets call :func:`record_event` inside the transaction that makes a change (the webhook outbox listens to
``EVENT_RECORDED`` and writes its row in that transaction, so an event commits or rolls back with its change), and
send the public signal after commit with :func:`send_on_commit`. Receivers of the public signals run after commit,
must be quick and never fail the caller (``send_robust``).

openedx-events defines no event for these (its learning events are the LMS's and edx-exams' own, and receivers in
edx-platform act on them): docs/decisions/0019-webhooks-and-events.rst.

Keyword arguments of each public signal (``sender`` is the model class):

- ``COURSE_SYNCED``: course_key (CourseKey), sync_id (int).
- ``ATTEMPT_SUBMITTED``: attempt_id, user_id, course_key, assessment_id, reason (str: "learner", "timer", ...).
- ``ATTEMPT_GRADED``: attempt_id, user_id, course_key, assessment_id, score (0..1), passed (bool).
- ``REGRADE_FINISHED``: run_id, course_key, question_id, changed (int: responses whose grade changed).
- ``MASTERY_REACHED``: user_id, course_key, objective (UsageKey), policy (str).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

__all__ = [
    "ATTEMPT_GRADED",
    "ATTEMPT_SUBMITTED",
    "COURSE_SYNCED",
    "EVENT_RECORDED",
    "EVENT_TYPES",
    "MASTERY_REACHED",
    "REGRADE_FINISHED",
    "VaultEvent",
    "record_event",
    "record_events",
    "send_on_commit",
]

log = logging.getLogger(__name__)

COURSE_SYNCED = Signal()
ATTEMPT_SUBMITTED = Signal()
ATTEMPT_GRADED = Signal()
REGRADE_FINISHED = Signal()
MASTERY_REACHED = Signal()

#: Sent inside the transaction of the change, with ``events`` (:class:`VaultEvent` list). A receiver that raises fails
#: the change (the webhook outbox must not lose an event): keep receivers to one write.
EVENT_RECORDED = Signal()

#: The event types of webhooks (the names subscriptions choose from), each with its public signal.
EVENT_TYPES: dict[str, Signal] = {
    "course.synced": COURSE_SYNCED,
    "attempt.submitted": ATTEMPT_SUBMITTED,
    "attempt.graded": ATTEMPT_GRADED,
    "regrade.finished": REGRADE_FINISHED,
    "mastery.reached": MASTERY_REACHED,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class VaultEvent:
    """One event as webhooks carry it: ``data`` is plain JSON (ids and keys as strings)."""

    type: str
    course_key: str | None
    data: dict[str, Any]
    id: str = field(default_factory=lambda: f"evt_{uuid.uuid4().hex}")
    occurred_at: datetime = field(default_factory=timezone.now)


def record_event(event_type: str, *, course_key: Any, data: dict[str, Any], sender: Any = None) -> VaultEvent:
    """Record ``event_type`` in the current transaction (its receivers write there); returns the event."""
    return record_events([(event_type, data)], course_key=course_key, sender=sender)[0]


def record_events(events: list[tuple[str, dict[str, Any]]], *, course_key: Any, sender: Any = None) -> list[VaultEvent]:
    """Several events of one change at once (``(type, data)`` each): the outbox writes them in one INSERT."""
    made = []
    for event_type, data in events:
        if event_type not in EVENT_TYPES:
            raise ValueError(f"Unknown vault event type {event_type!r}")
        made.append(VaultEvent(type=event_type, course_key=None if course_key is None else str(course_key), data=data))
    EVENT_RECORDED.send(sender=sender, events=made)
    return made


def send_on_commit(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` robustly once the current transaction commits (never, if it rolls back)."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                log.warning("A receiver of a vault signal failed: %r: %s", receiver, result)

    transaction.on_commit(send)
