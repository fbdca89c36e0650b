"""
A bulk regrade on either attempt backend: the corrected key changes exactly the affected grades and totals (on
MongoDB through one ``bulk_write`` per batch, ADR 0028), and the item analysis is rebuilt from the regraded
attempts when the regrade finishes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.analytics.builders import queued_rebuilds
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.analytics import api as analytics
from ve_edu_vault.analytics.tasks import rebuild_item_summaries
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.regrade import api
from ve_edu_vault.regrade.models import RegradeRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


def grades(views: list[Any], question_id: int) -> dict[int, tuple[Any, ...]]:
    """Per attempt: its totals and its capital response's grade, as the configured backend stores them."""
    repository = assessments.get_repository()
    found = {}
    for view in views:
        attempt = repository.get_attempt(view.id)
        capital = next(item for item in attempt.responses if item.question_id == question_id)
        found[attempt.id] = (attempt.earned, attempt.score, capital.raw_score, capital.correct)
    return found


def test_a_regrade_changes_the_grades_and_the_item_analysis(
    make_user: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    assessment, _students, views = scenario(make_user, ["a", "b", "a", "b", "b"])
    question_id = capital_question_id(assessment)
    capital = lambda result: next(i for i in result.questions if i.question_id == question_id)  # noqa: E731
    assert capital(analytics.item_analysis(assessment.id)).facility == pytest.approx(2 / 5)
    before = grades(views, question_id)
    correct_the_key(question_id)
    queued = queued_rebuilds(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):  # REGRADE_FINISHED is sent after commit
        done = api.run_batches(api.plan(question_id, batch_size=2).id)

    assert done.status == RegradeRun.SUCCEEDED and done.done == 5 and done.changed == 5
    after = grades(views, question_id)
    for attempt_id, (earned, _score, raw, correct) in before.items():
        new_earned, _new_score, new_raw, new_correct = after[attempt_id]
        assert (new_raw, new_correct) == (1.0 - raw, not correct)
        assert new_earned == earned + (1.0 if new_correct else -1.0)  # the capital question is worth 1 point
    assert queued == [assessment.id]  # the item summaries' rebuild is the worker's (the task run here)
    assert capital(analytics.item_analysis(assessment.id)).facility == pytest.approx(2 / 5)
    rebuild_item_summaries(assessment.id)
    assert capital(analytics.item_analysis(assessment.id)).facility == pytest.approx(3 / 5)
