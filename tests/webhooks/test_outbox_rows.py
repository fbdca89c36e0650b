"""
The outbox rows ``webhooks.store.add_events`` writes: every field as the event has it, one INSERT for a change's events.

Since ADR 0029's amendment the INSERT is ``prepared_queries.insert_rows`` rather than ``bulk_create``; these tests
read the rows back through the ORM on each backend (a course key and none, JSON with nested and non-ASCII values, an
aware timestamp with microseconds, ``dispatched_at`` empty for the worker).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.hooks.signals import VaultEvent
from ve_edu_vault.webhooks import store
from ve_edu_vault.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db
COURSE = "course-v1:Rows+R1+2026"


def test_the_rows_hold_every_field_of_the_events_in_one_insert() -> None:
    at = datetime(2026, 12, 4, 16, 30, 5, 123456, tzinfo=UTC)
    events = [
        VaultEvent(
            type="attempt.graded",
            course_key=COURSE,
            data={"attempt_id": "17", "score": 0.75, "nested": {"names": ["Zoë", "李"]}, "none": None},
            occurred_at=at,
        ),
        VaultEvent(type="course.synced", course_key=None, data={}, occurred_at=at),
    ]
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        store.add_events(events)
    writes = [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(("BEGIN", "COMMIT"))]
    assert len(writes) == 1 and writes[0].startswith("INSERT")

    rows = {row.event_id: row for row in WebhookEvent.objects.all()}
    assert set(rows) == {events[0].id, events[1].id}
    graded, synced = rows[events[0].id], rows[events[1].id]
    assert graded.event_type == "attempt.graded"
    assert graded.course_key == CourseKey.from_string(COURSE)
    assert graded.data == {"attempt_id": "17", "score": 0.75, "nested": {"names": ["Zoë", "李"]}, "none": None}
    assert graded.occurred_at == at
    assert graded.dispatched_at is None
    assert synced.course_key is None and synced.data == {} and synced.dispatched_at is None
    # The worker's query finds them (undispatched, by course key).
    pending = WebhookEvent.objects.filter(dispatched_at__isnull=True, course_key=CourseKey.from_string(COURSE))
    assert pending.count() == 1


def test_no_events_write_nothing() -> None:
    with CaptureQueriesContext(connection) as captured:
        store.add_events([])
    assert captured.captured_queries == []


def test_a_course_key_is_parsed_once_per_insert_and_an_invalid_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change's events share their course key: the INSERT validates it once, not once per event."""
    from opaque_keys import InvalidKeyError

    parsed: list[str] = []
    original = CourseKey.from_string.__func__  # type: ignore[attr-defined]

    def counting(cls: type[CourseKey], value: str) -> CourseKey:
        parsed.append(value)
        return original(cls, value)

    monkeypatch.setattr(CourseKey, "from_string", classmethod(counting))
    events = [VaultEvent(type="attempt.submitted", course_key=COURSE, data={}) for _ in range(3)]
    with transaction.atomic():
        store.add_events(events)
    assert parsed == [COURSE]
    assert WebhookEvent.objects.filter(course_key=CourseKey.from_string(COURSE)).count() == 3

    with pytest.raises(InvalidKeyError), transaction.atomic():
        store.add_events([VaultEvent(type="attempt.submitted", course_key="not a course key", data={})])
    assert WebhookEvent.objects.count() == 3
