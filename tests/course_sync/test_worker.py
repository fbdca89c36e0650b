"""End to end: a Studio publish burst leads to exactly one sync task, run by a real worker on Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey
from openedx_events.content_authoring.data import XBlockData
from openedx_events.content_authoring.signals import XBLOCK_PUBLISHED

from hosts.standalone_platform import backend as standalone
from tests.celery_worker import celery_worker
from tests.course_sync.conftest import small_outline
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord

pytestmark = [pytest.mark.cms, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TASK = "ve_edu_vault.course_sync.tasks.sync_course"


@override_settings(VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=2)
def test_publish_burst_runs_exactly_one_sync_on_a_real_worker(tmp_path: Path) -> None:
    from django.core.cache import cache

    cache.clear()
    outline = small_outline()
    course: CourseKey = outline.course_key
    with celery_worker(tmp_path) as worker:
        for _ in range(3):  # three publishes inside one window, each with its openedx-events hints
            standalone.publish_outline(outline)
            XBLOCK_PUBLISHED.send_event(
                xblock_info=XBlockData(usage_key=course.make_usage_key("vertical", "o1"), block_type="vertical")
            )
        assert worker.wait_for(lambda: SyncRecord.objects.filter(course_key=course).exists()), worker.log()
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= 1), worker.log()
        # the window has closed and the task has run: no second task may follow
        assert not worker.wait_for(lambda: worker.succeeded(TASK) > 1, timeout=4), worker.log()
    assert worker.succeeded(TASK) == 1
    record = SyncRecord.objects.get(course_key=course)
    assert record.status == SyncRecord.APPLIED and record.counts["add"] == 7
    assert record.trigger == "course_published"
    assert CourseNode.objects.filter(course_key=course, state=CourseNode.ACTIVE).count() == 7
