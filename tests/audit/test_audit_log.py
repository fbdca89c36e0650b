"""
The audit log of staff actions: each audited action writes one entry in its own transaction (a refused action
writes none), course staff read their course's entries over REST (Studio), global staff in the admin (read-only).
"""

from __future__ import annotations

from typing import Any

import pytest

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import BLOCK, COURSE, learner, make_assessment
from tests.course_sync.conftest import COURSE as SYNC_COURSE
from tests.course_sync.conftest import StaticSource, small_outline, with_nodes
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit
from ve_edu_vault.audit.models import AuditEntry
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ConflictError
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.retirement import api as retirement

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/audit/"


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def staff_of(make_user: Any, name: str = "teacher", course: Any = COURSE) -> Any:
    user = make_user(name)
    standalone.grant_course_staff(user, course)
    return user


def test_an_accommodation_is_audited_with_before_and_after(make_user: Any) -> None:
    teacher = staff_of(make_user)
    student = learner(make_user)
    assessment = make_assessment()
    assessments.set_accommodation(assessment.id, user=student, accommodation={"extra_minutes": 10}, set_by=teacher)
    assessments.set_accommodation(assessment.id, user=student, accommodation={"extra_attempts": 1}, set_by=teacher)
    first, second = entries(audit.ACCOMMODATION_SET)
    assert (first.actor_id, first.learner_id, first.course_key) == (teacher.pk, student.pk, COURSE)
    assert first.details["before"] is None and first.details["after"]["extra_minutes"] == 10
    assert second.details["before"]["extra_minutes"] == 10 and second.details["after"]["extra_attempts"] == 1
    assert second.details["assessment_id"] == assessment.id


def test_starting_a_regrade_is_audited_and_a_refused_start_is_not(make_user: Any) -> None:
    teacher = staff_of(make_user)
    assessment, _students, _views = scenario(make_user, ["a", "b"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = regrade.plan(question_id, requested_by=teacher)
    assert not entries(audit.REGRADE_STARTED)  # a dry run changes nothing
    regrade.run_batches(regrade.start(planned.id, requested_by=teacher).id)
    (entry,) = entries(audit.REGRADE_STARTED)
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("regrade", str(planned.id), teacher.pk)
    assert entry.details["question_id"] == question_id and entry.details["changed"] == 2
    with pytest.raises(ConflictError):
        regrade.start(planned.id, requested_by=teacher)  # finished: refused, and not audited
    assert len(entries(audit.REGRADE_STARTED)) == 1


def test_undoing_a_sync_is_audited_and_a_refused_undo_is_not(make_user: Any) -> None:
    teacher = staff_of(make_user, course=SYNC_COURSE)
    course_sync.sync_course(SYNC_COURSE, source=StaticSource(small_outline()))
    changed = with_nodes(small_outline(), small_outline().nodes[:4], "v2")
    result = course_sync.sync_course(SYNC_COURSE, source=StaticSource(changed))
    undo = course_sync.undo_sync(result.sync_id, requested_by=teacher)
    (entry,) = entries(audit.SYNC_UNDONE)
    assert (entry.object_id, entry.actor_id, entry.course_key) == (str(result.sync_id), teacher.pk, SYNC_COURSE)
    assert entry.details["undo_sync_id"] == undo.sync_id
    with pytest.raises(ConflictError):
        course_sync.undo_sync(result.sync_id, requested_by=teacher)
    assert len(entries(audit.SYNC_UNDONE)) == 1


def test_retirement_and_block_binding_are_audited(make_user: Any) -> None:
    teacher = staff_of(make_user)
    student = learner(make_user)
    assessment = make_assessment(block=None)
    assessments.bind_block(BLOCK, assessment_id=assessment.id, by=teacher)
    assessments.bind_block(BLOCK, assessment_id=None, by=teacher)
    bound, unbound = entries(audit.BLOCK_BOUND)[-1], entries(audit.BLOCK_UNBOUND)[-1]
    assert bound.details == {"assessment_id": assessment.id, "previous_assessment_id": None}
    assert unbound.details == {"assessment_id": None, "previous_assessment_id": assessment.id}
    assert bound.actor_id == unbound.actor_id == teacher.pk
    retirement.retire_learner(student.pk, signal="USER_RETIRE_LMS_MISC")
    retirement.retire_learner(student.pk, signal="USER_RETIRE_LMS_CRITICAL")
    retired = entries(audit.LEARNER_RETIRED)
    assert [entry.details["signal"] for entry in retired] == ["USER_RETIRE_LMS_MISC", "USER_RETIRE_LMS_CRITICAL"]
    assert {entry.learner_id for entry in retired} == {student.pk} and retired[0].course_key is None


def test_course_staff_read_their_courses_log_and_no_one_else(make_user: Any, client: Any) -> None:
    teacher = staff_of(make_user)
    other_teacher = staff_of(make_user, "other", course=SYNC_COURSE)
    student = learner(make_user)
    assessment = make_assessment()
    assessments.set_accommodation(assessment.id, user=student, accommodation={"extra_minutes": 5}, set_by=teacher)
    audit.record(audit.SYNC_UNDONE, object_type="sync", object_id=1, course_key=SYNC_COURSE, actor=other_teacher)

    assert client.get(API).status_code == 401
    client.force_login(student)
    assert client.get(API).status_code == 403
    client.force_login(other_teacher)
    assert client.get(API).status_code == 403

    client.force_login(teacher)
    reply = client.get(API)
    assert reply.status_code == 200, reply.content
    body = reply.json()
    actions = [entry["action"] for entry in body["results"]]
    assert actions[0] == audit.ACCOMMODATION_SET and audit.SYNC_UNDONE not in actions  # newest first, this course
    assert body["count"] == AuditEntry.objects.filter(course_key=COURSE).count()
    first = body["results"][0]
    assert first["actor_username"] == teacher.username and first["learner_id"] == student.pk
    assert first["course_key"] == str(COURSE)
    only = client.get(API, {"action": audit.ACCOMMODATION_SET}).json()
    assert only["count"] == 1
    assert client.get(API, {"learner_id": student.pk}).json()["count"] == 1
    bad = client.get(API, {"action": "drop_tables"})
    assert bad.status_code == 400 and bad.json()["field"] == "action"
    assert client.get(API, {"learner_id": "x"}).json()["field"] == "learner_id"


def test_the_admin_shows_the_log_read_only(make_user: Any, client: Any) -> None:
    teacher = staff_of(make_user)
    entry = audit.record(audit.SYNC_UNDONE, object_type="sync", object_id=7, course_key=COURSE, actor=teacher)
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/ve_edu_vault/auditentry/")
    assert listing.status_code == 200 and b"Sync undone" in listing.content
    assert client.get(f"/admin/ve_edu_vault/auditentry/{entry.id}/change/").status_code == 200  # viewable
    assert client.get("/admin/ve_edu_vault/auditentry/add/").status_code == 403
    assert client.post(f"/admin/ve_edu_vault/auditentry/{entry.id}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.id).exists()
