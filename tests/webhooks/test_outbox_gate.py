"""
The outbox skips events no subscription can match, and never one a subscription existing at commit time wants.

The gate (``webhooks.store``): every subscription change updates one row in its transaction; a transaction that
would skip share-locks that row, so a subscription change and a skipping event transaction are serialized. The
concurrency tests hold real transactions open in two threads (MariaDB and PostgreSQL; SQLite has one writer).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.hooks.signals import record_event
from ve_edu_vault.webhooks import api
from ve_edu_vault.webhooks.models import WebhookEvent, WebhookSubscription

pytestmark = pytest.mark.django_db(transaction=True)
COURSE = "course-v1:Gate+G1+2026"
URL = "http://127.0.0.1:9/hook"  # never delivered to in these tests


def _event(event_type: str = "attempt.graded", course: str = COURSE) -> None:
    with transaction.atomic():
        record_event(event_type, course_key=course, data={"attempt_id": 1})


def _rows() -> int:
    return WebhookEvent.objects.count()


@pytest.fixture(autouse=True)
def _fresh_matchers() -> Any:
    api._MATCHERS[0] = (None, [], float("-inf"))
    yield
    api._MATCHERS[0] = (None, [], float("-inf"))


def test_no_row_without_a_subscription_that_can_match() -> None:
    _event()  # the first event of a process writes (no matchers yet) and reads them after commit
    assert _rows() == 1
    _event()
    assert _rows() == 1  # no subscription: skipped
    api.create_subscription(url=URL, course_key=CourseKey.from_string("course-v1:Other+O1+2026"))
    api.create_subscription(url=URL, event_types=["course.synced"])
    _event()  # the gate moved: written once, matchers read again
    _event()
    _event("attempt.submitted")
    assert _rows() == 2  # another course, another type: nothing matches
    _event("course.synced")
    assert _rows() == 3


def test_a_subscription_made_or_enabled_by_any_path_is_seen_at_once() -> None:
    _event()
    _event()
    assert _rows() == 1
    row = WebhookSubscription.objects.create(url=URL, secret="whsec_x", active=False)  # as the admin saves it
    _event()
    _event()
    assert _rows() == 2  # the change wrote one; inactive: skipped again
    row.active = True
    row.save()
    _event()
    _event()
    assert _rows() == 4  # enabled: every event written
    api.update_subscription(row.pk, active=False)
    _event()
    _event()
    assert _rows() == 5


def test_events_outside_a_transaction_are_always_written() -> None:
    _event()
    record_event("attempt.graded", course_key=COURSE, data={})  # autocommit: no lock to hold, so no skip
    assert _rows() == 2


needs_locks = pytest.mark.skipif(
    "connection.vendor == 'sqlite'", reason="SQLite has one writer at a time: no shared row locks to test"
)


@needs_locks
def test_a_subscription_change_waits_for_a_transaction_that_skipped() -> None:
    _event()
    assert _rows() == 1
    skipped, release, created = threading.Event(), threading.Event(), threading.Event()

    def learner() -> None:
        try:
            with transaction.atomic():
                record_event("attempt.graded", course_key=COURSE, data={})
                skipped.set()
                release.wait(30)
        finally:
            connection.close()

    def staff() -> None:
        try:
            api.create_subscription(url=URL)
            created.set()
        finally:
            connection.close()

    first = threading.Thread(target=learner)
    first.start()
    assert skipped.wait(30)
    second = threading.Thread(target=staff)
    second.start()
    assert not created.wait(1.0)  # held at the gate while the skipping transaction is open
    release.set()
    first.join(30)
    second.join(30)
    assert created.is_set()
    assert _rows() == 1  # the subscription did not exist when that event committed
    _event()
    assert _rows() == 2  # and it gets the next one


@needs_locks
def test_an_event_committing_after_a_subscription_is_written() -> None:
    _event()
    assert _rows() == 1
    made, release, recorded = threading.Event(), threading.Event(), threading.Event()

    def staff() -> None:
        try:
            with transaction.atomic():
                api.create_subscription(url=URL)
                made.set()
                release.wait(30)
        finally:
            connection.close()

    def learner() -> None:
        try:
            with transaction.atomic():
                record_event("attempt.graded", course_key=COURSE, data={})
            recorded.set()
        finally:
            connection.close()

    first = threading.Thread(target=staff)
    first.start()
    assert made.wait(30)
    second = threading.Thread(target=learner)
    second.start()
    assert not recorded.wait(1.0)  # the event's transaction waits at the gate for the subscription's
    release.set()
    first.join(30)
    second.join(30)
    assert recorded.is_set()
    assert _rows() == 2  # the subscription existed when the event committed: the event is in the outbox
