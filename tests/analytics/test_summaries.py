"""
Summary tables: added to one graded attempt at a time, they give the same statistics as the aggregation queries
over all attempts, for every choice of attempts, whatever the order attempts are graded in; reads come from the
cache; grading through the learner's submit path and a finished regrade keep them current.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.analytics.builders import add_attempt, assessment_with_questions, learners, queued_rebuilds
from tests.assessments.api_builders import by_title, learner, right_answers
from ve_edu_vault.analytics import api, item_analysis, summaries
from ve_edu_vault.analytics.data import AttemptChoice, ItemAnalysis
from ve_edu_vault.analytics.models import AssessmentSummary, SummarisedAttempt
from ve_edu_vault.analytics.tasks import rebuild_item_summaries
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.api import AttemptTotalsUpdate, NewGrade
from ve_edu_vault.hooks.signals import REGRADE_FINISHED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


def same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


def assert_same(stored: ItemAnalysis, live: ItemAnalysis) -> None:
    for name in ("attempts", "mean", "sd", "alpha", "kr20", "sem", "mean_seconds"):
        assert same(getattr(stored.assessment, name), getattr(live.assessment, name)), name
    assert stored.assessment.distribution == live.assessment.distribution
    assert [i.version_id for i in stored.items] == [i.version_id for i in live.items]
    for got, want in zip(stored.items, live.items, strict=True):
        for name in ("attempts", "facility", "discrimination", "point_biserial", "mean_seconds"):
            assert same(getattr(got, name), getattr(want, name)), (got.version_id, name)
        assert [(c.choice_id, c.count) for c in got.choices] == [(c.choice_id, c.count) for c in want.choices]
        assert [f.code for f in got.flags] == [f.code for f in want.flags]


def test_added_one_at_a_time_in_any_order_equals_the_full_aggregation(make_user: Any) -> None:
    created, versions = assessment_with_questions()
    summaries.rebuild(created.id)  # built while empty: every attempt below is added incrementally
    rng = random.Random(15)
    plan = []
    for user in learners(make_user, 12):
        for number in range(1, rng.randint(1, 4) + 1):
            plan.append((user, number))
    rng.shuffle(plan)  # graded out of order: a learner's second attempt may be graded before the first
    for user, number in plan:
        fractions = [rng.choice([0.0, 1.0]), rng.choice([0.0, 0.5, 1.0]), rng.choice([0.0, 1.0])]
        answers = [{"p0": rng.choice("abc")}, {"p0": {"blank_0": "x"}}, {"p0": "1"}]
        attempt = add_attempt(created.id, user, versions, fractions, number=number, answers=answers,
                              seconds=rng.randint(60, 900))  # fmt: skip
        assert summaries.apply_graded_attempt(attempt.id)
        assert not summaries.apply_graded_attempt(attempt.id)  # twice: counted once
    for choice in AttemptChoice:
        assert_same(api.item_analysis(created.id, attempts=choice), item_analysis.analyse(created.id, choice))
    assert SummarisedAttempt.objects.filter(assessment_id=created.id).count() == len(plan)


def test_the_cache_answers_repeated_reads(make_user: Any, django_assert_num_queries: Any) -> None:
    created, versions = assessment_with_questions()
    for user in learners(make_user, 3):
        add_attempt(created.id, user, versions, [1.0, 0.0, 1.0])
    first = api.item_analysis(created.id)
    with django_assert_num_queries(2):  # the assessment's check and the summary's stamp; the rest is cached
        again = api.item_analysis(created.id)
    assert again == first


def test_grading_through_the_submit_path_updates_the_summaries(
    make_user: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "inline"  # the task path: test_summaries_worker.py
    created, _ = assessment_with_questions()

    def take(name: str, right: bool) -> None:
        student = learner(make_user, name)
        view = assessments.start_attempt(created.id, student)
        answers = right_answers(view)
        if not right:
            answers[str(by_title(view)["Capital"].response_id)] = {"p0": "b"}
        assessments.save_answers(view.id, user=student, answers=answers)
        with django_capture_on_commit_callbacks(execute=True):  # ATTEMPT_GRADED is sent after commit
            assessments.submit_attempt(view.id, user=student)

    take("s1", True)
    assert api.item_analysis(created.id).assessment.attempts == 1  # the first read builds the summaries
    take("s2", False)
    take("s3", False)
    result = api.item_analysis(created.id)  # no rebuild: the two attempts were added as they were graded
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 3
    capital = next(item for item in result.items if item.title == "Capital")
    assert capital.attempts == 3 and capital.facility == pytest.approx(1 / 3)
    assert {c.choice_id: c.count for c in capital.choices} == {"a": 1, "b": 2, "c": 0}
    assert_same(result, item_analysis.analyse(created.id, AttemptChoice.ALL))


def test_a_finished_regrade_rebuilds_the_summaries(make_user: Any, monkeypatch: Any) -> None:
    created, versions = assessment_with_questions()
    for user in learners(make_user, 4):
        add_attempt(created.id, user, versions, [0.0, 1.0, 1.0])
    assert api.item_analysis(created.id).items[0].facility == 0.0
    # As a regrade leaves them (its writes, on either backend): the first question right everywhere, the attempts'
    # totals updated.
    repository = assessments.get_repository()
    rows = repository.regrade_rows([versions[0].id], after_id=0, limit=100)
    assert len(rows) == 4
    grades = [NewGrade(response_id=row.id, raw_score=1.0, score=1.0, correct=True, feedback={}) for row in rows]
    assert repository.write_regrades(grades) == 4
    totals = [
        AttemptTotalsUpdate(attempt_id=row.attempt_id, earned=4.0, possible=4.0, score=1.0, passed=True, report=False)
        for row in rows
    ]
    assert repository.write_attempt_totals(totals) == 4
    queued = queued_rebuilds(monkeypatch)
    REGRADE_FINISHED.send_robust(
        sender=None, run_id=1, course_key=created.course_key, question_id=versions[0].question_id, changed=4
    )
    assert queued == [created.id]  # "task" mode (the default): the worker rebuilds them
    rebuild_item_summaries(created.id)
    result = api.item_analysis(created.id)
    assert result.items[0].facility == 1.0
    assert_same(result, item_analysis.analyse(created.id, AttemptChoice.ALL))
