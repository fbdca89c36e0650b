"""
Bulk regrade through ``regrade.api``: a corrected key changes exactly the affected grades, and the dry run
predicts exactly what the run then does (responses, attempts, learners), recorded and traceable.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessments.api_builders import COURSE, OBJECTIVE_A
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario, snapshot
from ve_edu_vault.assessments.models import Response
from ve_edu_vault.errors import ConflictError, ValidationError
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.regrade import api
from ve_edu_vault.regrade.models import RegradeItem, RegradeRun

pytestmark = pytest.mark.django_db


def test_a_corrected_key_changes_exactly_the_affected_grades(make_user: Any) -> None:
    assessment, _students, views = scenario(make_user, ["a", "b", "a", "b"])
    question_id = capital_question_id(assessment)
    before = snapshot()
    old_version = Response.objects.filter(question_id=question_id).values_list("question_version_id", flat=True)[0]
    correct_the_key(question_id)

    planned = api.plan(question_id, batch_size=2)
    assert snapshot() == before  # a dry run writes no grade
    assert planned.status == RegradeRun.PLANNED and planned.total == 4 and planned.report["changed"] == 4
    assert planned.report["key_diff"][str(old_version)] == [
        {"part_id": "p0", "field": "answer_key", "from": {"correct": "a"}, "to": {"correct": "b"}}
    ]

    done = api.run_batches(planned.id)
    after = snapshot()
    changed_responses = {key for key in before["responses"] if before["responses"][key] != after["responses"][key]}
    capital = set(Response.objects.filter(question_id=question_id).values_list("id", flat=True))
    assert changed_responses == capital  # every capital response flipped, nothing else moved
    for response_id in capital:
        old_raw, _old_score, old_correct = before["responses"][response_id]
        new_raw, _new_score, new_correct = after["responses"][response_id]
        assert (new_raw, new_correct) == (1.0 - old_raw, not old_correct)
        assert Response.objects.get(pk=response_id).question_version_id == old_version  # still traceable
    changed_attempts = {key for key in before["attempts"] if before["attempts"][key] != after["attempts"][key]}
    assert changed_attempts == {view.id for view in views}
    assert done.status == RegradeRun.SUCCEEDED and done.done == 4 and done.changed == 4
    assert RegradeItem.objects.filter(run_id=done.id).count() == 4


def test_the_dry_run_predicts_exactly_what_the_run_does(make_user: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b", "b", "c"], attempt_limit=3)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = api.plan(question_id, batch_size=3)
    api.run_batches(planned.id)

    predicted_responses = {
        item["response_id"]: (item["new_score"], item["new_correct"])
        for learner in planned.report["learners"]
        for item in learner["responses"]
    }
    actual = {
        item.response_id: (item.new_score, item.new_correct)
        for item in RegradeItem.objects.filter(run_id=planned.id)
        if (item.old_score, item.old_correct) != (item.new_score, item.new_correct)
    }
    assert predicted_responses == actual
    for learner in planned.report["learners"]:
        for item in learner["attempts"]:
            row = snapshot()["attempts"][item["attempt_id"]]
            assert (row[2], row[3]) == (item["new_score"], item["new_passed"])
    # "c" was wrong before and after: no change predicted and none made.
    assert len(planned.report["learners"]) == 3


def test_mastery_is_recomputed_for_affected_learners(make_user: Any) -> None:
    assessment, students, _views = scenario(make_user, ["b"])
    question_id = capital_question_id(assessment)
    before = [step.correct for step in mastery.explain(COURSE, students[0], OBJECTIVE_A).history]
    correct_the_key(question_id)
    api.run_batches(api.plan(question_id).id)
    after = [step.correct for step in mastery.explain(COURSE, students[0], OBJECTIVE_A).history]
    assert before.count(True) + 1 == after.count(True)


def test_a_run_continues_after_its_cursor_and_never_regrades_twice(make_user: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b", "a"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = api.plan(question_id, batch_size=1)

    class Killed(Exception):
        pass

    def die_after_first(run_id: int) -> None:
        raise Killed

    with pytest.raises(Killed):
        api.run_batches(planned.id, on_batch=die_after_first)
    assert RegradeRun.objects.get(pk=planned.id).done == 1
    api.run_batches(planned.id)  # restarted
    items = list(RegradeItem.objects.filter(run_id=planned.id).values_list("response_id", flat=True))
    assert len(items) == len(set(items)) == 3
    with pytest.raises(ConflictError):
        api.start(planned.id)


def test_nothing_to_regrade_from(make_user: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a"])
    with pytest.raises(ValidationError):
        api.plan(capital_question_id(assessment))


def test_regraded_grades_reach_the_gradebook(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Regression: the regrade's hand-off found no queued report and the gradebook kept the old grade."""
    from hosts.standalone_platform import backend as standalone
    from tests.assessments.api_builders import BLOCK

    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        assessment, students, _views = scenario(make_user, ["a", "b"])
    before = {student.pk: standalone.get_grade(student, BLOCK).earned for student in students}
    assert before == {students[0].pk: pytest.approx(4.0), students[1].pk: pytest.approx(3.0)}
    correct_the_key(capital_question_id(assessment))
    with django_capture_on_commit_callbacks(execute=True):
        api.run_batches(api.plan(capital_question_id(assessment)).id)
    after = {student.pk: standalone.get_grade(student, BLOCK).earned for student in students}
    assert after == {students[0].pk: pytest.approx(3.0), students[1].pk: pytest.approx(4.0)}


def test_a_regrade_queues_the_changed_grades_reports_in_its_transaction(make_user: Any, settings: Any) -> None:
    """The regrade's UPDATE of an attempt's totals also marks its report due (the outbox), nothing else."""
    from unittest import mock

    from ve_edu_vault.assessments.models import Attempt

    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        assessment, _students, views = scenario(make_user, ["a", "b", "c"])
        Attempt.objects.update(report_due_at=None)  # as if the submissions' reports were made
        correct_the_key(capital_question_id(assessment))
        api.run_batches(api.plan(capital_question_id(assessment)).id)
    marked = set(Attempt.objects.filter(report_due_at__isnull=False).values_list("id", flat=True))
    assert marked == {views[0].id, views[1].id}  # "c" was wrong before and after: its grade did not move
