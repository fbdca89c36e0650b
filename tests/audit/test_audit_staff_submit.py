"""Staff submitting a learner's attempt for them (``?username=``) is audited with the grade it gave; the learner's
own submission, and a second submit of a finished attempt, are not."""

from __future__ import annotations

from typing import Any

import pytest

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import COURSE, learner, make_assessment, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.audit import api as audit
from ve_edu_vault.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/ve-edu-vault/v1/"


def test_a_staff_submission_for_a_learner_is_audited(make_user: Any, jwt_client: Any) -> None:
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, COURSE)
    student, other = learner(make_user), learner(make_user, "other")
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    own = api.start_attempt(assessment.id, other)
    api.submit_attempt(own.id, user=other)  # the learner's own: not a staff action

    client = jwt_client(teacher)
    url = f"{API}attempts/{view.id}/submit/?username={student.username}"
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200  # already submitted: nothing new happens
    (entry,) = AuditEntry.objects.filter(action=audit.ATTEMPT_SUBMITTED_BY_STAFF)
    assert (entry.actor_id, entry.learner_id, entry.course_key) == (teacher.pk, student.pk, COURSE)
    assert (entry.object_type, entry.object_id) == ("attempt", str(view.id))
    assert entry.details["score"] == pytest.approx(1.0) and entry.details["assessment_id"] == assessment.id
