"""
Triggers: real openedx-events signals and the (standalone) COURSE_PUBLISHED signal in the Studio host
schedule one sync task per course per debounce window, after the transaction commits.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey
from openedx_events.content_authoring.data import CourseData, XBlockData
from openedx_events.content_authoring.signals import (
    COURSE_CREATED,
    COURSE_IMPORT_COMPLETED,
    XBLOCK_DELETED,
    XBLOCK_PUBLISHED,
)

from hosts.standalone_platform import backend as standalone
from hosts.standalone_platform.backend import COURSE_PUBLISHED
from tests.course_sync.conftest import small_outline
from ve_edu_vault.course_sync.tasks import sync_course

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:Vault+Sync101+2026")
OTHER = CourseKey.from_string("course-v1:Vault+Other+2026")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _publish_burst(course_key: CourseKey) -> None:
    """What one Studio publish of a unit sends: the modulestore signal and the openedx-events hints."""
    unit = course_key.make_usage_key("vertical", "u1")
    XBLOCK_PUBLISHED.send_event(xblock_info=XBlockData(usage_key=unit, block_type="vertical"))
    XBLOCK_PUBLISHED.send_event(
        xblock_info=XBlockData(usage_key=course_key.make_usage_key("sequential", "s1"), block_type="sequential")
    )
    XBLOCK_DELETED.send_event(
        xblock_info=XBlockData(usage_key=course_key.make_usage_key("problem", "p1"), block_type="problem")
    )
    COURSE_PUBLISHED.send(sender=None, course_key=course_key)


def test_receivers_are_connected_in_studio() -> None:
    from ve_edu_vault.course_sync import receivers

    for signal in (XBLOCK_PUBLISHED, XBLOCK_DELETED, COURSE_CREATED, COURSE_IMPORT_COMPLETED):
        assert any(r[1]() is receivers.on_course_authoring_event for r in signal.receivers if r[1]() is not None)
    assert COURSE_PUBLISHED.has_listeners()


@override_settings(VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=30)
def test_one_task_per_course_per_window_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    with mock.patch.object(sync_course, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _publish_burst(COURSE)
            _publish_burst(COURSE)
            COURSE_CREATED.send_event(course=CourseData(course_key=OTHER))
            assert apply_async.call_count == 0  # nothing before the transaction commits
        assert len(callbacks) == 9
    assert apply_async.call_count == 2
    scheduled = sorted(call.kwargs["args"][0] for call in apply_async.call_args_list)
    assert scheduled == sorted([str(COURSE), str(OTHER)])
    assert all(call.kwargs["countdown"] == 30 for call in apply_async.call_args_list)


@override_settings(VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=30)
def test_rolled_back_publish_schedules_nothing() -> None:
    with mock.patch.object(sync_course, "apply_async") as apply_async:
        try:
            with transaction.atomic():
                _publish_burst(COURSE)
                raise RuntimeError("publish failed")
        except RuntimeError:
            pass
    assert apply_async.call_count == 0


@override_settings(VE_EDU_VAULT_AUTO_SYNC_ENABLED=False)
def test_toggle_off_schedules_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with (
        mock.patch.object(sync_course, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _publish_burst(COURSE)
    assert apply_async.call_count == 0


def test_task_reads_the_published_outline_and_applies_it() -> None:
    standalone.publish_outline(small_outline(), send_signal=False)
    sync_id = sync_course.apply(args=[str(COURSE)]).get()
    from ve_edu_vault.course_sync import api

    record = api.get_sync_record(sync_id)
    assert record.status == "applied" and record.counts["add"] == 7
    assert sync_course.apply(args=[str(COURSE)]).get() is None  # unchanged: heartbeat only
