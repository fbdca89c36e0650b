"""The plugin's signals (sent after commit, never for a rollback) and the outbox row each event writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.assessments.api_builders import COURSE, OBJECTIVE_A, learner, make_assessment, right_answers
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.hooks import signals
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.webhooks import api as webhooks
from ve_edu_vault.webhooks import store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscribed() -> None:
    """A global subscription: the outbox writes only events some subscription can match (ADR 0025)."""
    webhooks.create_subscription(url="http://127.0.0.1:9/hook")


@pytest.fixture
def heard() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Every plugin signal's keyword arguments, by event type, and whether the outbox row existed when it was sent."""
    calls: dict[str, list[dict[str, Any]]] = {name: [] for name in signals.EVENT_TYPES}
    receivers = []
    for name, signal in signals.EVENT_TYPES.items():

        def receive(sender: Any, name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            kwargs["in_atomic_block"] = transaction.get_connection().in_atomic_block
            calls[name].append(kwargs)

        signal.connect(receive, weak=False, dispatch_uid=f"test-{name}")
        receivers.append((signal, name))
    yield calls
    for signal, name in receivers:
        signal.disconnect(dispatch_uid=f"test-{name}")


def test_a_submission_sends_submitted_graded_and_mastery_reached(
    make_user: Any, settings: Any, heard: Any, subscribed: None
) -> None:
    settings.VE_EDU_VAULT_MASTERY_POLICY = {"policy": "k_of_n", "params": {"k": 1, "n": 1}}
    assessment = make_assessment()
    assert [call["sync_id"] for call in heard["course.synced"]]  # the builder's sync
    student = learner(make_user, "eve")
    view = assessments.start_attempt(assessment.id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=student)
    (submitted,) = heard["attempt.submitted"]
    (graded,) = heard["attempt.graded"]
    assert submitted["attempt_id"] == graded["attempt_id"] == view.id and submitted["reason"] == "learner"
    assert graded["passed"] is True and graded["course_key"] == COURSE and not graded["in_atomic_block"]
    reached = {call["objective"] for call in heard["mastery.reached"]}
    assert OBJECTIVE_A in {str(key) for key in reached} or OBJECTIVE_A in reached
    assert all(call["user_id"] == student.pk for call in heard["mastery.reached"])
    rows = {row["event_type"]: row for row in store.events_for()}
    assert set(rows) == set(signals.EVENT_TYPES) - {"regrade.finished"}
    assert rows["attempt.graded"]["data"]["attempt_id"] == view.id
    # Reached once: a second mastered attempt on the same objective sends nothing more.
    before = len(heard["mastery.reached"])
    second = assessments.start_attempt(assessment.id, student)
    assessments.save_answers(second.id, user=student, answers=right_answers(second))
    assessments.submit_attempt(second.id, user=student)
    assert len(heard["mastery.reached"]) == before


def test_nothing_is_sent_or_recorded_for_a_rolled_back_submission(make_user: Any, heard: Any, subscribed: None) -> None:
    assessment = make_assessment()
    student = learner(make_user, "rollback")
    view = assessments.start_attempt(assessment.id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    with pytest.raises(RuntimeError), transaction.atomic():
        assessments.submit_attempt(view.id, user=student)
        raise RuntimeError("undone")
    assert heard["attempt.submitted"] == [] and heard["attempt.graded"] == []
    assert store.events_for(event_type="attempt.graded") == []


def test_a_finished_regrade_sends_regrade_finished(make_user: Any, heard: Any, subscribed: None) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    run = regrade.run_batches(regrade.plan(question_id).id)
    (finished,) = heard["regrade.finished"]
    assert finished == {
        "run_id": run.id,
        "course_key": COURSE,
        "question_id": question_id,
        "changed": 2,
        "in_atomic_block": False,
    }
    (row,) = store.events_for(event_type="regrade.finished")
    assert row["data"] == {"run_id": run.id, "question_id": question_id, "changed": 2}


def test_record_event_refuses_unknown_types() -> None:
    with pytest.raises(ValueError, match="Unknown vault event type"):
        signals.record_event("attempt.exploded", course_key=None, data={})
