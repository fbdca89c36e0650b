"""
The database fails in the middle of a sync, a grading transaction and a regrade batch: nothing partial is kept,
and the next run converges to what an undisturbed run gives.

The failure is a real ``OperationalError`` raised where the driver runs the statement (``tests/faults/db_faults.py``),
after earlier statements of the same transaction really ran, so only the database's rollback can undo them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.db import OperationalError

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import BLOCK, learner, make_assessment, right_answers
from tests.course_sync.conftest import COURSE, StaticSource, small_outline, with_nodes
from tests.faults.db_faults import failing_statement
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario, snapshot
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord
from ve_edu_vault.course_sync.nodes import row_to_node
from ve_edu_vault.mastery.models import MasteryEvent
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.regrade.models import RegradeItem, RegradeRun

pytestmark = pytest.mark.django_db(transaction=True)


def mirror() -> dict[Any, Any]:
    return {row.usage_key: (row_to_node(row), row.state) for row in CourseNode.objects.filter(course_key=COURSE)}


def test_a_sync_failing_midway_keeps_nothing_and_the_next_sync_converges() -> None:
    course_sync.sync_course(COURSE, source=StaticSource(small_outline()))
    before, records = mirror(), SyncRecord.objects.count()
    renamed = tuple(
        node if node.parent_key is None else replace(node, display_name=node.display_name + "!")
        for node in small_outline().nodes[:5]
    )
    changed = with_nodes(small_outline(), renamed, "v2")  # renames, and two nodes archived
    # The last statement of the sync's transaction fails: the mirror's upsert and the sync record really ran.
    with failing_statement(r"^\s*UPDATE\b.*ve_edu_vault_coursesyncstate"), pytest.raises(OperationalError):
        course_sync.sync_course(COURSE, source=StaticSource(changed))
    assert mirror() == before
    assert not SyncRecord.objects.filter(outline_version="v2", status=SyncRecord.APPLIED).exists()
    assert SyncRecord.objects.count() <= records + 1  # at most a failure record

    result = course_sync.sync_course(COURSE, source=StaticSource(changed))
    assert result.status == "applied"
    active = {usage_key: node for usage_key, (node, state) in mirror().items() if state == CourseNode.ACTIVE}
    assert active == changed.by_key()
    archived = {usage_key for usage_key, (_node, state) in mirror().items() if state == CourseNode.ARCHIVED}
    assert archived == set(small_outline().by_key()) - set(changed.by_key()) and len(archived) == 2


def test_grading_failing_midway_keeps_no_grade_and_the_next_submit_grades_once(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    view = assessments.start_attempt(assessment.id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    # The mastery write at the end of grading fails: the responses' and the attempt's grades really ran.
    with failing_statement(r"^\s*INSERT\b.*ve_edu_vault_masteryevent"), pytest.raises(OperationalError):
        assessments.submit_attempt(view.id, user=student)
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.state == Attempt.IN_PROGRESS and attempt.score is None and attempt.report_due_at is None
    assert not Response.objects.filter(attempt_id=view.id, graded_at__isnull=False).exists()
    assert not MasteryEvent.objects.filter(user_id=student.pk).exists()
    assert standalone.get_grade(student, BLOCK) is None

    result = assessments.submit_attempt(view.id, user=student)
    assert result.score == pytest.approx(1.0)
    responses = Response.objects.filter(attempt_id=view.id)
    assert responses.filter(graded_at__isnull=False).count() == responses.count() == 3
    # Mastery saw each graded response once.
    assert MasteryEvent.objects.filter(user_id=student.pk).count() == len(
        set(MasteryEvent.objects.filter(user_id=student.pk).values_list("response_id", "node_id"))
    )
    graded_at = Attempt.objects.get(pk=view.id).graded_at
    assessments.submit_attempt(view.id, user=student)  # a second submit changes nothing
    assert Attempt.objects.get(pk=view.id).graded_at == graded_at
    assert Attempt.objects.filter(user_id=student.pk, state=Attempt.GRADED).count() == 1


def test_a_regrade_batch_failing_midway_rolls_back_and_the_next_run_regrades_each_response_once(
    make_user: Any,
) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"] * 3)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = regrade.plan(question_id, batch_size=2)
    regrade.start(planned.id)
    # Batch 2's cursor update fails after its items and new grades were written: all must roll back together.
    # (UPDATEs of the run: 1 marks it running, 2 is batch 1's cursor, 3 batch 2's.)
    with failing_statement(r"^\s*UPDATE\b.*ve_edu_vault_regraderun", nth=3), pytest.raises(OperationalError):
        regrade.run_batches(planned.id)
    halfway = RegradeRun.objects.get(pk=planned.id)
    assert halfway.done == 2 and RegradeItem.objects.filter(run_id=planned.id).count() == 2
    regraded = set(RegradeItem.objects.filter(run_id=planned.id).values_list("response_id", flat=True))
    untouched = Response.objects.filter(question_id=question_id).exclude(id__in=regraded)
    assert all(row.correct == (row.answer == {"p0": "a"}) for row in untouched)  # still the old key's grades

    regrade.start(planned.id)
    finished = regrade.run_batches(planned.id)
    assert finished.status == RegradeRun.SUCCEEDED and finished.done == 6
    items = list(RegradeItem.objects.filter(run_id=planned.id).values_list("response_id", flat=True))
    assert sorted(items) == sorted(Response.objects.filter(question_id=question_id).values_list("id", flat=True))
    assert all(row.correct == (row.answer == {"p0": "b"}) for row in Response.objects.filter(question_id=question_id))
    assert snapshot()["attempts"]  # totals recomputed for every attempt
