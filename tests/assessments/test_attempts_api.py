"""The attempt lifecycle through ``assessments.api``: start, save, check, hint, submit, review, limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_builders import (
    COURSE,
    HINTS,
    SUBTOPIC,
    by_title,
    config,
    learner,
    make_assessment,
    make_questions,
    right_answers,
    sync_course,
)
from django.core.management import call_command
from django.utils import timezone

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.data import AttemptState
from ve_edu_vault.errors import (
    AssessmentClosedError,
    AttemptClosedError,
    AttemptLimitReachedError,
    CheckNotAllowedError,
    ConflictError,
    NoHintsLeftError,
    NotFoundError,
    NoTriesLeftError,
    ValidationError,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def student(make_user: Any) -> Any:
    return learner(make_user)


def test_create_validates_and_round_trips() -> None:
    assessment = make_assessment(time_limit_minutes=5)
    assert assessment.node_usage_key == str(SUBTOPIC) and assessment.config.time_limit_minutes == 5
    assert api.get_assessment(assessment.id, course_key=COURSE) == assessment
    assert [a.id for a in api.list_assessments(COURSE)] == [assessment.id]
    with pytest.raises(ValidationError) as bad:
        api.create_assessment(COURSE, node_usage_key=None, title="X", config={"pass_treshold": 1})
    assert bad.value.field == "config.pass_treshold"
    with pytest.raises(ValidationError) as missing:
        api.create_assessment(COURSE, node_usage_key=None, title="X", config=config([999999]))
    assert missing.value.field == "config.selection.question_ids[0]"
    updated = api.update_assessment(
        assessment.id,
        course_key=COURSE,
        title="Renamed",
        config=config([], **{"selection": {"mode": "random", "count": 2, "pool_node": str(SUBTOPIC)}}),
    )
    assert updated.title == "Renamed" and updated.config.selection.count == 2
    archived = api.archive_assessment(assessment.id, course_key=COURSE)
    assert archived.archived and api.list_assessments(COURSE) == []


def test_take_grade_and_review(student: Any) -> None:
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    assert view.state is AttemptState.IN_PROGRESS and len(view.questions) == 3 and view.deadline is None
    assert api.start_attempt(assessment.id, student).id == view.id  # the one in progress
    answers = right_answers(view)
    answers[str(by_title(view)["Number"].response_id)] = {"p0": "1"}  # wrong
    saved = api.save_answers(view.id, user=student, answers=answers)
    assert by_title(saved)["Capital"].answer == {"p0": "a"} and by_title(saved)["Capital"].score is None
    result = api.submit_attempt(view.id, user=student)
    assert result.state is AttemptState.GRADED and result.released
    assert result.points_earned == pytest.approx(3.0) and result.points_possible == pytest.approx(4.0)
    assert result.score == pytest.approx(0.75) and result.passed is True
    assert by_title(result)["Number"].correct is False and by_title(result)["Capital"].explanation
    again = api.submit_attempt(view.id, user=student)
    assert again == result  # idempotent
    assert api.get_attempt_result(view.id, user=student) == result
    [summary] = api.list_attempts(assessment.id, user=student)
    assert summary.score == pytest.approx(0.75) and summary.passed
    [line] = api.list_learner_assessments(COURSE, student)
    assert line.attempts_used == 1 and line.score == pytest.approx(0.75) and line.in_progress_attempt_id is None
    with pytest.raises(AttemptClosedError):
        api.save_answers(view.id, user=student, answers={})


def test_pinned_versions_survive_edits(student: Any) -> None:
    from ve_edu_vault.questions import api as questions

    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    capital = by_title(view)["Capital"]
    question_id = assessment.config.selection.question_ids[0]
    content = questions.get_question(question_id).current_version.content
    questions.edit_question(
        question_id,
        content={**content, "title": "Edited", "parts": [{**content["parts"][0], "answer_key": {"correct": "b"}}]},
    )
    again = api.get_attempt(view.id, user=student)
    assert by_title(again)["Capital"].question == capital.question
    api.save_answers(view.id, user=student, answers={str(capital.response_id): {"p0": "a"}})
    result = api.submit_attempt(view.id, user=student)
    assert by_title(result)["Capital"].correct is True  # graded against the version shown


def test_attempt_limit_and_accommodation(student: Any, make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=1, time_limit_minutes=10)
    first = api.start_attempt(assessment.id, student)
    api.submit_attempt(first.id, user=student)
    with pytest.raises(AttemptLimitReachedError):
        api.start_attempt(assessment.id, student)
    staff = make_user("staff")
    acc = api.set_accommodation(
        assessment.id, user=student, accommodation={"extra_attempts": 1, "extra_minutes": 5}, set_by=staff
    )
    assert acc.accommodation.extra_attempts == 1 and acc.set_by_id == staff.pk
    second = api.start_attempt(assessment.id, student)
    assert second.number == 2 and second.deadline - second.started_at == timedelta(minutes=15)
    [line] = api.list_learner_assessments(COURSE, student)
    assert line.time_limit_minutes == 15 and line.attempts_allowed == 2 and line.in_progress_attempt_id == second.id
    api.set_accommodation(assessment.id, user=student, accommodation={"extra_attempts": 1, "extra_minutes": 20})
    assert api.get_attempt(second.id, user=student).deadline - second.started_at == timedelta(minutes=30)
    assert [a.username for a in api.list_accommodations(assessment.id)] == [student.username]


def test_closed_assessment_refuses_new_attempts(student: Any) -> None:
    now = timezone.now()
    assessment = make_assessment(closes_at=(now - timedelta(days=1)).isoformat())
    with pytest.raises(AssessmentClosedError) as closed:
        api.start_attempt(assessment.id, student)
    assert closed.value.code == "assessment_closed"


def test_deadline_and_grace(student: Any) -> None:
    assessment = make_assessment(time_limit_minutes=1, grace_seconds=10)
    view = api.start_attempt(assessment.id, student)
    late = view.deadline + timedelta(seconds=5)
    api.save_answers(view.id, user=student, answers=right_answers(view), now=late)  # within grace
    with pytest.raises(AttemptClosedError) as closed:
        api.save_answers(view.id, user=student, answers={}, now=view.deadline + timedelta(seconds=11))
    assert closed.value.code == "attempt_closed" and closed.value.http_status == 409
    assert api.auto_submit_attempt(view.id, now=view.deadline) is None  # not yet due (grace)
    result = api.auto_submit_attempt(view.id, now=view.deadline + timedelta(seconds=11))
    assert result is not None and result.score == pytest.approx(1.0)  # answered work, not zero


def test_malformed_answers_are_400_naming_the_response(student: Any) -> None:
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    rid = str(view.questions[0].response_id)
    with pytest.raises(ValidationError) as shape:
        api.save_answers(view.id, user=student, answers={rid: "not an object"})
    assert shape.value.field == f"answers.{rid}"
    with pytest.raises(ValidationError) as unknown:
        api.save_answers(view.id, user=student, answers={"999999": {"p0": "a"}})
    assert unknown.value.field == "answers.999999"
    with pytest.raises(ValidationError):
        api.save_answers(view.id, user=student, answers={rid: {"nope": 1}})


def test_other_learners_attempt_is_not_found(student: Any, make_user: Any) -> None:
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    other = learner(make_user, "other")
    with pytest.raises(NotFoundError):
        api.get_attempt(view.id, user=other)
    with pytest.raises(NotFoundError):
        api.submit_attempt(view.id, user=other)
    assert api.get_attempt(view.id, user=other, acting_as_staff=True).id == view.id
    result = api.submit_attempt(view.id, user=other, reason="staff", acting_as_staff=True)
    assert result.state is AttemptState.GRADED


def test_deferred_refuses_checks(student: Any) -> None:
    view = api.start_attempt(make_assessment().id, student)
    with pytest.raises(CheckNotAllowedError):
        api.check_answer(view.id, user=student, response_id=view.questions[0].response_id, answer={"p0": "a"})


def test_interactive_tries_penalties_and_hints(student: Any) -> None:
    assessment = make_assessment(behaviour="interactive", max_tries=2, try_penalty=0.5, feedback="immediately")
    view = api.start_attempt(assessment.id, student)
    capital = by_title(view)["Capital"]
    assert capital.hints == () and capital.hints_remaining == 2 and capital.tries_left == 2
    wrong = api.check_answer(view.id, user=student, response_id=capital.response_id, answer={"p0": "b"})
    assert wrong.correct is False and wrong.tries_left == 1 and wrong.explanation is None
    hinted = api.request_hint(view.id, user=student, response_id=capital.response_id)
    assert hinted.hints == (HINTS[0],) and hinted.hints_remaining == 1
    right = api.check_answer(view.id, user=student, response_id=capital.response_id, answer={"p0": "a"})
    assert right.correct is True and right.tries_left == 0 and right.score == pytest.approx(0.25)
    assert right.explanation  # no tries left: the explanation is released with IMMEDIATELY
    with pytest.raises(NoTriesLeftError):
        api.check_answer(view.id, user=student, response_id=capital.response_id, answer={"p0": "a"})
    with pytest.raises(NoTriesLeftError):
        api.save_answers(view.id, user=student, answers={str(capital.response_id): {"p0": "b"}})
    api.request_hint(view.id, user=student, response_id=capital.response_id)
    with pytest.raises(NoHintsLeftError):
        api.request_hint(view.id, user=student, response_id=capital.response_id)
    result = api.submit_attempt(view.id, user=student)
    # 1 - 0.5 (second try) - 0.25 (first hint) - 0 (second hint, default penalty 0) = 0.25 of 1 point
    assert by_title(result)["Capital"].score == pytest.approx(0.25)
    assert result.points_earned == pytest.approx(0.25)


def test_immediate_checks_once(student: Any) -> None:
    assessment = make_assessment(behaviour="immediate", feedback="immediately")
    view = api.start_attempt(assessment.id, student)
    capital = by_title(view)["Capital"]
    checked = api.check_answer(view.id, user=student, response_id=capital.response_id, answer={"p0": "a"})
    assert checked.correct is True and checked.tries_left == 0
    with pytest.raises(NoTriesLeftError):
        api.check_answer(view.id, user=student, response_id=capital.response_id, answer={"p0": "a"})


def test_random_draw_pins_and_avoids_seen(student: Any) -> None:
    sync_course()
    make_questions()
    assessment = api.create_assessment(
        COURSE,
        node_usage_key=SUBTOPIC,
        title="Random",
        config={"selection": {"mode": "random", "count": 1, "per": "objective", "pool_node": str(SUBTOPIC)}},
    )
    first = api.start_attempt(assessment.id, student)
    assert len(first.questions) == 2  # one per objective
    preview = api.preview_assessment(assessment.id, seed=7)
    assert preview.preview and len(preview.questions) == 2
    assert api.preview_assessment(assessment.id, seed=7).questions == preview.questions  # same seed, same view
    api.submit_attempt(first.id, user=student)
    second = api.start_attempt(assessment.id, student)
    titles = {q.question["title"] for q in first.questions} & {q.question["title"] for q in second.questions}
    assert titles == {"Number"}  # objective A has two questions: the unseen one is drawn


def test_no_questions_is_a_conflict(student: Any) -> None:
    sync_course()
    assessment = api.create_assessment(
        COURSE,
        node_usage_key=None,
        title="Empty",
        config={"selection": {"mode": "random", "count": 2, "pool_node": str(SUBTOPIC)}},
    )
    with pytest.raises(ConflictError) as error:
        api.start_attempt(assessment.id, student)
    assert error.value.http_status == 409


def test_feedback_never_hides_score(student: Any) -> None:
    assessment = make_assessment(feedback="never")
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    result = api.submit_attempt(view.id, user=student)
    assert result.state is AttemptState.GRADED and not result.released
    assert result.score is None and result.questions == ()
    [summary] = api.list_attempts(assessment.id, user=student)
    assert summary.score is None


def test_demo_learner_can_take_the_demo_assessments() -> None:
    from django.contrib.auth import get_user_model

    from ve_edu_vault.demo import DEMO_COURSE, DemoCourseMissing, load_demo_data

    with pytest.raises(DemoCourseMissing):  # the platform has not imported the course yet
        load_demo_data()
    call_command("host_import_course")  # the hosts' ./manage.py cms import of the demo course OLX
    first = load_demo_data()
    again = load_demo_data()  # idempotent
    assert len(first.assessment_ids) == 2 and again.assessment_ids == first.assessment_ids
    learner_user = get_user_model().objects.get(username=first.learner_username)
    timed_id, untimed_id = first.assessment_ids
    timed = api.start_attempt(timed_id, learner_user)
    assert timed.deadline - timed.started_at == timedelta(minutes=5) and len(timed.questions) == 3
    untimed = api.start_attempt(untimed_id, learner_user)
    assert untimed.deadline is None and len(untimed.questions) == 2
    right = {q.question["title"]: q for q in untimed.questions}["Right angle"]
    checked = api.check_answer(untimed.id, user=learner_user, response_id=right.response_id, answer={"p0": "90"})
    assert checked.correct is True
    assert [line.title for line in api.list_learner_assessments(DEMO_COURSE, learner_user)] == [
        "Fractions quiz (5 minutes)",
        "Angles practice",
    ]
