"""
A sync scheduled by a publish waits for the LMS to serve the new outline (Course Blocks API source).

The LMS rebuilds its course blocks ``COURSE_PUBLISH_TASK_DELAY`` (30) seconds after a publish, so a
sync 10 seconds after it reads the outline already applied: the task schedules itself again while
the version is unchanged, for a bounded time, and records nothing meanwhile. The LMS here is a real
HTTP server (``fake_lms``); only the Celery hand-off of the re-scheduled task is intercepted.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from conftest import FakeLms, json_reply
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.tasks import REFRESH_INTERVAL_SECONDS, sync_course

pytestmark = [pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:VE+Wait+2026")


def blocks(*chapters: str) -> dict[str, Any]:
    root = str(COURSE.make_usage_key("course", "course"))
    body: dict[str, Any] = {root: {"id": root, "type": "course", "display_name": "Wait", "children": []}}
    for name in chapters:
        key = str(COURSE.make_usage_key("chapter", name))
        body[root]["children"].append(key)
        body[key] = {"id": key, "type": "chapter", "display_name": name.title()}
    return {"root": root, "blocks": body}


@pytest.fixture
def lms_source(fake_lms: FakeLms) -> Any:
    with override_settings(
        VE_EDU_VAULT_OUTLINE_SOURCE="blocks_api",
        VE_EDU_VAULT_BLOCKS_API_URL=fake_lms.base_url,
        VE_EDU_VAULT_BLOCKS_API_CLIENT_ID="vault",
        VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET="secret",
        VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS=45,
    ):
        yield fake_lms


def serve(lms: FakeLms, *chapters: str) -> None:
    lms.blocks = lambda query: json_reply(blocks(*chapters))


def run(**kwargs: Any) -> tuple[Any, list[Any]]:
    with mock.patch.object(sync_course, "apply_async") as again:
        result = sync_course.apply(args=[str(COURSE)], kwargs=kwargs).get()
    return result, again.call_args_list


def test_a_publish_sync_waits_while_the_lms_serves_the_old_outline(lms_source: FakeLms) -> None:
    serve(lms_source, "one")
    assert api.sync_course(COURSE, trigger="manual").status == "applied"
    before = len(api.list_sync_records(COURSE))

    # The LMS has not refreshed yet: the same outline. Scheduled again, nothing recorded.
    sync_id, again = run(trigger="course_published")
    assert sync_id is None
    [call] = again
    assert call.kwargs["countdown"] == REFRESH_INTERVAL_SECONDS
    assert call.kwargs["kwargs"] == {"trigger": "course_published", "waited": REFRESH_INTERVAL_SECONDS}
    assert len(api.list_sync_records(COURSE)) == before

    # Refreshed: the new outline is applied by the re-scheduled task.
    serve(lms_source, "one", "two")
    sync_id, again = run(**call.kwargs["kwargs"])
    assert sync_id is not None and again == []
    two = str(COURSE.make_usage_key("chapter", "two"))
    assert set(api.get_nodes([two])) == {two}


def test_the_wait_is_bounded(lms_source: FakeLms) -> None:
    serve(lms_source, "one")
    api.sync_course(COURSE, trigger="manual")
    waited = 0
    for _ in range(10):
        sync_id, again = run(trigger="org.openedx.content_authoring.xblock.published.v1", waited=waited)
        if not again:
            break
        waited = again[0].kwargs["kwargs"]["waited"]
    assert waited == 45, "three tries of 15 s, then it stops"
    assert sync_id is None and api.list_sync_records(COURSE)[0].status == "applied"  # unchanged: nothing new


def test_manual_and_modulestore_syncs_never_wait(lms_source: FakeLms) -> None:
    serve(lms_source, "one")
    api.sync_course(COURSE, trigger="manual")
    assert run(trigger="manual")[1] == []  # not a publish
    with override_settings(VE_EDU_VAULT_OUTLINE_SOURCE="modulestore"):
        assert not api.is_publish_trigger("task")
        assert api.is_publish_trigger("course_published")
