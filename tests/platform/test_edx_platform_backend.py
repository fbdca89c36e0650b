"""
The edx-platform backend, run for real against the stand-ins of tests/edx_platform_standins/.

Every call goes through ``ve_edu_vault.platform.api`` as the plugin makes it; the stand-ins copy the
upstream module paths and signatures (see that folder's README), so a wrong import path, name or
argument in ``edx_platform_verawood`` fails here.
"""

from __future__ import annotations

import importlib
import importlib.util
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import NodeKind
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.platform import api as platform

pytestmark = [pytest.mark.django_db, pytest.mark.both_hosts]

COURSE = CourseKey.from_string("course-v1:VE+Edx101+2026")
OTHER = CourseKey.from_string("course-v1:VE+Edx999+2026")


def build_course(store: Any, course_key: CourseKey = COURSE) -> Any:
    """A course in the stand-in modulestore: two chapters, graded and ungraded subsections, a problem."""
    course = store.create_course(course_key, "Platform course")
    numbers = course.add("chapter", "numbers", display_name="Numbers")
    fractions = numbers.add("sequential", "fractions", display_name="Fractions", graded=True, format="Homework")
    unit = fractions.add("vertical", "adding", display_name="Adding")
    unit.add("problem", "p1", display_name="Problem 1")
    fractions.add("vertical", "comparing", display_name="Comparing")
    geometry = course.add("chapter", "geometry", display_name="Geometry")
    geometry.add(
        "sequential", "angles", display_name="Angles", due=datetime(2026, 12, 1, tzinfo=UTC), visible_to_staff_only=True
    ).add("vertical", "right", display_name=None)
    return course


def test_enrollments_go_through_course_enrollment(edx_platform: Any, make_user: Any) -> None:
    from common.djangoapps.student.models.course_enrollment import NonExistentCourseError

    build_course(edx_platform)
    learner = make_user("edx-learner")
    assert not platform.is_enrolled(learner, COURSE)
    platform.enroll(learner, COURSE)
    assert platform.is_enrolled(learner, COURSE)
    assert not platform.is_enrolled(learner, OTHER)
    assert not platform.is_enrolled(AnonymousUser(), COURSE)
    with pytest.raises(NonExistentCourseError):  # CourseEnrollment.enroll refuses a course the platform lacks
        platform.enroll(learner, OTHER)
    from common.djangoapps.student.models import CourseEnrollment

    CourseEnrollment.unenroll(learner, COURSE)
    assert not platform.is_enrolled(learner, COURSE)


def test_course_roles_go_through_student_roles(edx_platform: Any, make_user: Any) -> None:
    from common.djangoapps.student.roles import CourseBetaTesterRole, CourseInstructorRole

    staff, instructor, tester, inactive = (make_user(name) for name in ("edx-staff", "edx-inst", "edx-beta", "edx-off"))
    platform.grant_course_staff(staff, COURSE)
    CourseInstructorRole(COURSE).add_users(instructor)
    CourseBetaTesterRole(COURSE).add_users(tester)
    assert platform.is_course_staff(staff, COURSE) and platform.is_course_staff(instructor, COURSE)
    assert not platform.is_course_staff(staff, OTHER)
    assert not platform.is_course_staff(tester, COURSE)  # beta testers are not course staff
    platform.grant_course_staff(inactive, COURSE)
    inactive.is_active = False
    assert not platform.is_course_staff(inactive, COURSE)  # has_user checks activation, as upstream


def test_the_published_branch_is_read_with_version_less_keys(edx_platform: Any) -> None:
    course = build_course(edx_platform)
    assert not platform.course_exists(OTHER) and platform.course_exists(COURSE)
    with pytest.raises(NotFoundError):  # created, never published
        platform.read_published_outline(COURSE)
    edited = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    version = edx_platform.publish(COURSE, edited_on=edited)
    course.add("chapter", "draft-only", display_name="Not published yet")  # a later draft change

    outline = platform.read_published_outline(COURSE)
    assert outline.course_key == COURSE
    assert outline.version == str(version) and outline.published_at == edited
    keys = [str(node.usage_key) for node in outline.nodes]
    assert all("branch@" not in key and "version@" not in key for key in keys)
    assert "block-v1:VE+Edx101+2026+type@chapter+block@draft-only" not in keys
    by_key = {node.usage_key: node for node in outline.nodes}
    fractions = by_key[UsageKey.from_string("block-v1:VE+Edx101+2026+type@sequential+block@fractions")]
    assert fractions.kind is NodeKind.SUBTOPIC and fractions.attributes.graded
    assert fractions.attributes.format == "Homework"
    angles = by_key[UsageKey.from_string("block-v1:VE+Edx101+2026+type@sequential+block@angles")]
    assert angles.attributes.visible_to_staff_only and angles.attributes.due == datetime(2026, 12, 1, tzinfo=UTC)
    adding = by_key[UsageKey.from_string("block-v1:VE+Edx101+2026+type@vertical+block@adding")]
    assert [str(c.usage_key) for c in adding.components] == ["block-v1:VE+Edx101+2026+type@problem+block@p1"]
    right = by_key[UsageKey.from_string("block-v1:VE+Edx101+2026+type@vertical+block@right")]
    assert right.display_name == "right"  # display_name_with_default
    assert [node.kind for node in outline.nodes].count(NodeKind.OBJECTIVE) == 3


def test_a_publish_schedules_a_sync_through_signal_handler_course_published(
    edx_platform: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from xmodule.modulestore.django import COURSE_PUBLISHED, SignalHandler

    from ve_edu_vault.course_sync import receivers
    from ve_edu_vault.course_sync.tasks import sync_course

    assert platform.course_published_signal() is SignalHandler.course_published
    assert COURSE_PUBLISHED is SignalHandler.course_published  # the alias names the same signal upstream too
    receivers.connect_platform_receivers()
    build_course(edx_platform)
    with (
        mock.patch.object(sync_course, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        edx_platform.publish(COURSE)
    [call] = apply_async.call_args_list
    assert call.kwargs["args"] == [str(COURSE)] and call.kwargs["kwargs"] == {"trigger": "course_published"}
    with (
        mock.patch.object(sync_course, "apply_async") as apply_async,
        SignalHandler.course_published.for_state(is_enabled=False),  # switched off, as tests upstream do
    ):
        edx_platform.publish(COURSE)
    assert apply_async.call_count == 0


def test_a_sync_reads_the_published_course(edx_platform: Any) -> None:
    from ve_edu_vault.course_sync import api as course_sync

    build_course(edx_platform)
    edx_platform.publish(COURSE)
    result = course_sync.sync_course(COURSE, source="modulestore", trigger="test")
    assert result.status == "applied" and result.change_set.counts()["add"] == 7
    assert course_sync.sync_course(COURSE, source="modulestore", trigger="test").status == "unchanged"


def test_the_course_tab_is_a_platform_course_tab(edx_platform: Any, make_user: Any) -> None:
    from xmodule.tabs import CourseTab

    from ve_edu_vault.assessments import course_tab

    assert platform.course_tab_base_class() is CourseTab
    # As the LMS loads the entry point, with edx-platform's CourseTab: the module executed afresh (a copy
    # outside sys.modules, so the hosts' tab class of the other tests is left alone).
    spec = importlib.util.spec_from_file_location("course_tab_in_the_lms", course_tab.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert issubclass(module.AssessmentsTab, CourseTab)
    build_course(edx_platform)
    learner = make_user("edx-tab")
    block = SimpleNamespace(id=COURSE)
    assert not module.AssessmentsTab.is_enabled(block, user=learner)
    platform.enroll(learner, COURSE)
    assert module.AssessmentsTab.is_enabled(block, user=learner)
    tab = module.AssessmentsTab({})  # as edx-platform builds dynamic tabs: tab_type({})
    assert tab.to_json() == {"type": "ve_edu_vault_assessments", "name": "Assessments", "course_staff_only": False}
    assert tab.link_func(block, lambda name, args: f"/{name}/{args[0]}/") == (
        f"/ve_edu_vault:assessments-learner-page/{COURSE}/"
    )


def test_retirement_signals_are_the_platforms(edx_platform: Any) -> None:
    from openedx.core.djangoapps.user_api.accounts import signals

    assert list(platform.user_retirement_signals()) == [signals.USER_RETIRE_LMS_CRITICAL, signals.USER_RETIRE_LMS_MISC]


def test_publish_grade_loads_the_block_for_the_learner_and_sends_score_published(
    edx_platform: Any, make_user: Any
) -> None:
    """``platform.publish_grade`` through the real backend: the grades app's SCORE_PUBLISHED, raw points, once."""
    from crum import get_current_user
    from lms.djangoapps.courseware import block_render
    from lms.djangoapps.grades.api import signals

    learner, other = make_user("edx-graded"), make_user("edx-denied")
    block_key = COURSE.make_usage_key("ve_vault_assessment", "quiz-block")
    edx_platform.add_block(block_key, display_name="Quiz block")
    received: list[dict[str, Any]] = []
    signals.SCORE_PUBLISHED.connect(lambda sender, **kwargs: received.append(kwargs), weak=False)

    platform.publish_grade(learner, block_key, value=2.5, max_value=4)
    [score] = received
    assert score["user"] == learner and score["block"].scope_ids.user_id == learner.pk
    assert str(score["block"].scope_ids.usage_id) == str(block_key)
    assert (score["raw_earned"], score["raw_possible"]) == (2.5, 4.0)
    assert get_current_user() is None  # the impersonation ended with the publication

    block_render.DENIED.add((other.pk, block_key))  # has_access(user, "load", block) refuses
    with pytest.raises(PermissionError):
        platform.publish_grade(other, block_key, value=1, max_value=4)
    with pytest.raises(ValueError):  # the facade refuses impossible points before the platform sees them
        platform.publish_grade(learner, block_key, value=1, max_value=0)
    assert len(received) == 1


def test_anonymous_ids_come_from_anonymous_id_for_user(edx_platform: Any, make_user: Any) -> None:
    from common.djangoapps.student.models import user as standin_users

    first, second = make_user("anon_a"), make_user("anon_b")
    ids = platform.anonymous_ids([second.id, first.id, first.id, 999_999], COURSE)
    assert set(ids) == {first.id, second.id}  # unknown users are left out
    assert sorted(standin_users.CALLS) == sorted([(first.id, str(COURSE)), (second.id, str(COURSE))])
    assert len(set(ids.values())) == 2 and all(len(value) == 32 for value in ids.values())
    assert platform.anonymous_ids([first.id], OTHER)[first.id] != ids[first.id]  # per course
    assert platform.anonymous_ids([], COURSE) == {}
