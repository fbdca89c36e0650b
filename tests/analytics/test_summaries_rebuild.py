"""
A finished regrade rebuilds the item summaries of every assessment with the question: in "task" mode (the default) by
one ``rebuild_item_summaries`` task per assessment, so the regrade run returns without waiting for them (with the
queue unreachable, in-process as before); in "inline" mode in-process. A graded attempt's refresh before, after or
during a rebuild counts the attempt once (``summaries.rebuild`` marks exactly the attempts its sums count). The same
with a real broker and worker: test_summaries_worker.py.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from kombu import Producer

from tests.analytics.builders import REBUILD
from tests.analytics.conftest import Clock
from tests.analytics.test_summaries_refresh import published_tasks, summary_rows
from tests.assessments.api_builders import COURSE, SUBTOPIC, config, learner, make_assessment
from tests.regrade.regrade_builders import answered, capital_question_id, correct_the_key, scenario
from ve_edu_vault.analytics import api as analytics
from ve_edu_vault.analytics import refresh, store, summaries, tasks
from ve_edu_vault.analytics.models import AssessmentSummary, SummarisedAttempt
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.regrade import api as regrade

REFRESH = "ve_edu_vault.analytics.tasks.refresh_item_summaries"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


@pytest.fixture
def task_mode(settings: Any) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    cache.clear()


def facility(assessment: Any) -> float:
    question_id = capital_question_id(assessment)
    return next(i for i in analytics.item_analysis(assessment.id).questions if i.question_id == question_id).facility


def regraded(assessment: Any, capture: Any) -> None:
    """The capital question's key corrected and every response regraded (receivers run after commit)."""
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    with capture(execute=True):
        regrade.run_batches(regrade.plan(question_id, batch_size=2).id)


def rebuilt_rows(assessment_id: int) -> list[tuple[Any, ...]]:
    """The summary rows an in-process rebuild computes now."""
    summaries.rebuild(assessment_id)
    return summary_rows(assessment_id)


def test_a_finished_regrade_queues_the_rebuild_and_returns_before_it(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b", "a", "b", "b"])
    assert facility(assessment) == pytest.approx(2 / 5)  # built by the first read
    published = published_tasks(monkeypatch)
    regraded(assessment, django_capture_on_commit_callbacks)
    assert published == [REBUILD]  # one per assessment with the question
    assert facility(assessment) == pytest.approx(2 / 5)  # not rebuilt by the regrade's own process
    tasks.rebuild_item_summaries(assessment.id)  # what the worker runs
    assert facility(assessment) == pytest.approx(3 / 5)
    by_task = summary_rows(assessment.id)
    assert by_task == rebuilt_rows(assessment.id)
    assert SummarisedAttempt.objects.filter(assessment_id=assessment.id).count() == 5


def test_with_the_broker_down_the_regrade_rebuilds_in_process(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    assessment, _students, _views = scenario(make_user, ["a", "b", "a", "b", "b"])
    assert facility(assessment) == pytest.approx(2 / 5)
    monkeypatch.setattr(Producer, "publish", broker_down)
    with caplog.at_level(logging.ERROR, logger=refresh.__name__):
        regraded(assessment, django_capture_on_commit_callbacks)
    assert facility(assessment) == pytest.approx(3 / 5)
    assert f"Could not queue the rebuild of the summaries of assessment {assessment.id}" in caplog.text


def test_in_inline_mode_the_regrade_rebuilds_in_process(
    make_user: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "inline"
    assessment, _students, _views = scenario(make_user, ["a", "b", "a", "b", "b"])
    assert facility(assessment) == pytest.approx(2 / 5)
    published = published_tasks(monkeypatch)
    regraded(assessment, django_capture_on_commit_callbacks)
    assert published == []
    assert facility(assessment) == pytest.approx(3 / 5)


@pytest.mark.parametrize("refresh_first", [True, False], ids=["refresh-then-rebuild", "rebuild-then-refresh"])
def test_an_attempt_graded_while_a_rebuild_is_queued_counts_once(
    make_user: Any,
    task_mode: None,
    clock: Clock,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
    refresh_first: bool,
) -> None:
    assessment, students, _views = scenario(make_user, ["a", "b", "a", "b"])
    assert facility(assessment) == pytest.approx(2 / 4)
    published = published_tasks(monkeypatch)
    regraded(assessment, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # graded after the regrade, before its rebuild ran
        answered(assessment, students[0], "b")  # a second attempt: first, last and best choose between the two
        answered(assessment, learner(make_user, "late"), "b")
    assert published == [REBUILD, REFRESH]  # one refresh: both were graded in one window (``clock``)
    if refresh_first:
        assert refresh.refresh(assessment.id) == 2  # added to the summaries the rebuild then replaces
        tasks.rebuild_item_summaries(assessment.id)
    else:
        tasks.rebuild_item_summaries(assessment.id)
        assert refresh.refresh(assessment.id) == 0  # the rebuild counted and marked them
    assert AssessmentSummary.objects.get(assessment_id=assessment.id, choice="all").n == 6
    assert SummarisedAttempt.objects.filter(assessment_id=assessment.id).count() == 6
    assert summary_rows(assessment.id) == rebuilt_rows(assessment.id)


def test_an_attempt_graded_during_the_rebuild_is_counted_and_marked_together(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """
    The race a rebuild can meet: an attempt committed after the rebuild's sums were read and before it marked the
    graded attempts (another process's submit). Marked without being counted, no refresh would ever add it; counted
    without being marked, its refresh would add it twice. The rebuild sums again and marks what it counted.
    """
    assessment, _students, _views = scenario(make_user, ["a", "b", "a"])
    summaries.rebuild(assessment.id)
    published_tasks(monkeypatch)
    late = learner(make_user, "during")
    write = store.write_summaries
    graded: list[int] = []

    def write_then_grade(assessment_id: int, choice: str, *args: Any) -> None:
        write(assessment_id, choice, *args)
        if choice == "all" and not graded:  # the sums are read; another submit commits now
            graded.append(answered(assessment, late, "b").id)

    monkeypatch.setattr(store, "write_summaries", write_then_grade)
    with django_capture_on_commit_callbacks(execute=True):
        summaries.rebuild(assessment.id)
    monkeypatch.setattr(store, "write_summaries", write)
    assert graded
    counted = AssessmentSummary.objects.get(assessment_id=assessment.id, choice="all").n
    marked = SummarisedAttempt.objects.filter(assessment_id=assessment.id).count()
    assert (counted, marked) == (4, 4)
    assert refresh.refresh(assessment.id) == 0
    assert summary_rows(assessment.id) == rebuilt_rows(assessment.id)


def test_a_regrade_queues_one_rebuild_per_assessment_with_the_question(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"])
    ids = assessment.config.selection.question_ids
    other = assessments.create_assessment(COURSE, node_usage_key=SUBTOPIC, title="Other", config=config(ids))
    unrelated = make_assessment(title="Unrelated", block=None)
    for each in (other, unrelated):
        answered(each, learner(make_user, f"in{each.id}"), "a")
    queued: list[Any] = []
    monkeypatch.setattr(refresh, "queue_rebuild", queued.append)
    regraded(assessment, django_capture_on_commit_callbacks)
    assert sorted(queued) == sorted([assessment.id, other.id])
