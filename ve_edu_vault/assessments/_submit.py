"""
The grading pipeline of a submission, run inside the caller's transaction with the attempt locked.

TLDR: for each response, the registry grades the saved answer (an unreadable answer scores 0 with
the grader's message, it never fails the submission), ``scoring.response_score`` applies try and
hint penalties, ``scoring.attempt_totals`` sums by points, ``scoring.passed`` compares with the
threshold, and the attempt becomes GRADED, all in one transaction. A timer or sweep submission
grades exactly what was saved: expiry never turns answered work into a zero. A graded assessment
bound to a vault XBlock queues its grade publication in the same write that stores the grade
(``report_due_at``, the outbox of ``grades.py``).
In the transaction: the ``attempt.submitted`` and ``attempt.graded`` events (the webhook outbox).
After commit: the ``ATTEMPT_SUBMITTED`` and ``ATTEMPT_GRADED`` signals, and the hand-off of the queued report.

Hook points (``ve_edu_vault.hooks.filters``, see hooks/README.rst): ``AnswerGradingStarted`` runs
before each answer is graded (a step may normalise the answer; ``PreventGrading`` refuses the whole
submission with :class:`GradingPreventedError`, a 409 carrying the step's message, and nothing is
recorded because the transaction rolls back); ``GradeComputed`` runs on the grader's result, before
penalties and before anything is stored. The learner's answer is stored as given, never the
normalised one, so a regrade sees what the learner typed.

Mastery: in the same transaction, every graded response whose question is attached to an objective
updates the learner's mastery of that objective (``mastery.api.record_observations``), so a grade
and the mastery it implies commit or roll back together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ve_edu_vault.course_sync.api import CourseNodeData
from ve_edu_vault.errors import ConflictError
from ve_edu_vault.hooks.filters import AnswerGradingStarted, GradeComputed
from ve_edu_vault.hooks.signals import record_events
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.mastery.data import Observation
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.errors import QuestionError
from ve_edu_vault.questions.grading import grade_question

from . import feedback, scoring
from ._context import AssessmentContext, VersionCache
from .data import AttemptState, QuestionBehaviour
from .grades import hand_off_grade
from .repositories import AttemptRecord, ResponseRecord, get_repository
from .signals import ATTEMPT_GRADED, ATTEMPT_SUBMITTED

log = logging.getLogger(__name__)


class GradingPreventedError(ConflictError):
    """A pipeline step of ``AnswerGradingStarted`` refused to let an answer be graded (its message is the learner's)."""

    code = "grading_prevented"
    default_message = _("This answer cannot be graded now.")


def grade_answer(
    content: QuestionContent, answer: Any, *, context: dict[str, Any] | None = None, filters: bool = True
) -> tuple[float, bool, dict[str, Any]]:
    """
    ``(raw score, correct, grader feedback)``; an answer the grader cannot read scores 0.

    ``filters=False`` is for a regrade dry run and bulk regrade, which apply a corrected key to answers already
    accepted: the answer-level filters ran when they were graded first.
    """
    hook_context = dict(context or {})
    if filters:
        try:
            answer = AnswerGradingStarted.run_filter(content.type, answer, hook_context)
        except AnswerGradingStarted.PreventGrading as error:
            raise GradingPreventedError(str(error) or None) from error
    try:
        result = grade_question(content, answer)
    except QuestionError as error:
        return 0.0, False, {"score": 0.0, "correct": False, "error": error.message, "feedback": {}, "parts": []}
    grade = result.to_dict()
    grade["score"], grade["correct"] = result.score, result.correct
    if filters:
        grade = GradeComputed.run_filter(grade, hook_context)
    return float(grade["score"]), bool(grade["correct"]), grade


def hook_context(ctx: AssessmentContext, *, user_id: int, question_id: int) -> dict[str, Any]:
    """The plain-data context every filter of the grading pipeline receives."""
    return {
        "course_key": str(ctx.row.course_key),
        "assessment_id": ctx.row.id,
        "user_id": user_id,
        "question_id": question_id,
    }


def penalised(
    ctx: AssessmentContext, content: QuestionContent, raw: float, *, tries_used: int, hints_shown: int
) -> float:
    interactive = ctx.config.behaviour is QuestionBehaviour.INTERACTIVE
    return scoring.response_score(
        raw,
        tries_used=tries_used,
        try_penalty=ctx.config.try_penalty if interactive else 0.0,
        hint_penalties=feedback.shown_hint_penalties(content.hints, hints_shown, ctx.config.hint_penalty)
        if ctx.config.hints_enabled
        else (),
    )


def _grade_response(
    ctx: AssessmentContext, item: ResponseRecord, content: QuestionContent, now: datetime, *, user_id: int
) -> dict[str, Any]:
    """The fields to store on ``item`` once graded (score, and the grader's outcome when it graded now)."""
    if item.checked and item.graded_at is not None and item.raw_score is not None:
        # Checked during the attempt and unchanged since: that check is the grade.
        raw, tries = item.raw_score, max(1, item.tries_used)
        # The same fields as a fresh grade, unchanged, so every response is written by one statement.
        fields: dict[str, Any] = {
            "raw_score": raw,
            "correct": item.correct,
            "feedback": item.feedback,
            "tries_used": item.tries_used,
        }
    else:
        raw, correct, grader_feedback = grade_answer(
            content, item.answer, context=hook_context(ctx, user_id=user_id, question_id=item.question_id)
        )
        # Never checked: submission is the first try; changed after a check: one more try.
        tries = item.tries_used + 1 if item.checked else max(1, item.tries_used)
        fields = {"raw_score": raw, "correct": correct, "feedback": grader_feedback, "tries_used": tries}
    score = penalised(ctx, content, raw, tries_used=tries, hints_shown=item.hints_shown)
    return {"score": score, "graded_at": now, **fields}


def finish_attempt(
    ctx: AssessmentContext, attempt: AttemptRecord, *, reason: str, now: datetime, versions: VersionCache
) -> AttemptRecord:
    """
    Grade and close a locked in-progress attempt; schedule the after-commit hand-offs.

    Reads are batched (every pinned version, every question's objective at once); the responses' grades
    and the attempt's close are one write (``grade_attempt``: one statement on MariaDB and PostgreSQL,
    ADR 0036), with no read-back (bench/bench_submit.py measures it).
    """
    repository = get_repository()
    versions.preload((item.question_version_id for item in attempt.responses), with_nodes=True)
    items: list[tuple[float, float]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for item in attempt.responses:
        fields = _grade_response(ctx, item, versions.content(item.question_version_id), now, user_id=attempt.user_id)
        updates.append((item.id, fields))
        items.append((fields["score"], item.points))
    earned, possible, fraction = scoring.attempt_totals(items)
    # Only a graded assessment bound to a vault XBlock has a gradebook entry to update (grades.learner_grade):
    # its publication is queued by the same write that stores the grade, so they commit together.
    report = ctx.reports_grades
    finished = repository.grade_attempt(
        attempt,
        updates,
        state=AttemptState.GRADED.value,
        submitted_at=now,
        graded_at=now,
        earned=earned,
        possible=possible,
        score=fraction,
        passed=scoring.passed(fraction, ctx.config.pass_threshold),
        submit_reason=reason,
        **({"report_due_at": now} if report else {}),
    )
    _set_monitoring(finished, reason)
    _record_mastery(ctx, finished, nodes=versions.nodes)
    course_key = ctx.row.course_key
    _record_events(finished, course_key=course_key, reason=reason)
    transaction.on_commit(lambda: _after_grading(finished, course_key=course_key, report=report, reason=reason))
    return finished


def _record_events(attempt: AttemptRecord, *, course_key: Any, reason: str) -> None:
    """``attempt.submitted`` and ``attempt.graded`` in the grading transaction (the webhook outbox)."""
    ids = {"attempt_id": attempt.id, "assessment_id": attempt.assessment_id, "user_id": attempt.user_id}
    graded = {
        **ids,
        "score": attempt.score,
        "passed": attempt.passed,
        "earned": attempt.earned,
        "possible": attempt.possible,
    }
    record_events(
        [("attempt.submitted", {**ids, "reason": reason}), ("attempt.graded", graded)],
        course_key=course_key,
        sender=AttemptRecord,
    )


def observation_of(item: ResponseRecord, at: datetime) -> Observation:
    return Observation(
        response_id=item.id,
        correct=bool(item.correct),
        score=float(item.score or 0.0),
        at=at,
        question_id=item.question_id,
    )


def objectives_of(
    course_key: Any, question_ids: Iterable[int], *, nodes: dict[int, CourseNodeData] | None = None
) -> tuple[dict[int, int], dict[int, CourseNodeData]]:
    """
    ``({question id: objective node id}, {node id: objective})`` for the questions attached to an
    active objective of the course (one read, whatever the number of questions; none when the
    caller read the questions' ``nodes`` already, as the submission does with their versions).
    """
    attached = questions.question_nodes(set(question_ids)) if nodes is None else nodes
    objectives = mastery.objectives_among(course_key, attached.values())
    return {question_id: node.id for question_id, node in attached.items() if node.id in objectives}, objectives


def _record_mastery(
    ctx: AssessmentContext, attempt: AttemptRecord, *, nodes: dict[int, CourseNodeData] | None = None
) -> None:
    """Feed every graded response on an objective to the learner's mastery, in the grading transaction."""
    at = attempt.graded_at or attempt.submitted_at or attempt.started_at
    question_ids = [item.question_id for item in attempt.responses]
    node_of, objectives = objectives_of(ctx.row.course_key, question_ids, nodes=nodes)
    evidence: list[tuple[int, Observation]] = []
    for item in attempt.responses:
        node_id = node_of.get(item.question_id)
        # A response worth no points (an essay no grader scores) is no evidence of mastery either way.
        if node_id is not None and item.score is not None and item.points > 0:
            evidence.append((node_id, observation_of(item, at)))
    if evidence:
        mastery.record_observations(
            ctx.row.course_key, attempt.user_id, evidence, objectives=objectives, new_responses=True
        )


def graded_observations(course_key: Any, user_ids: list[int] | None = None) -> dict[tuple[int, int], list[Observation]]:
    """
    Every graded response of the course on an objective, as ``{(user_id, node_id): [observations, oldest first]}``.

    The mastery applet's replay source (``mastery.api.recompute``): ordered by the attempt's grading time, then by
    position in the attempt (the order ``_record_mastery`` fed them in), so a replay gives the states recorded live.
    """
    values = get_repository().graded_responses(course_key, user_ids)
    node_of, _objectives = objectives_of(course_key, {row.question_id for row in values})
    result: dict[tuple[int, int], list[Observation]] = {}
    for row in values:
        node_id = node_of.get(row.question_id)
        if node_id is None:
            continue
        result.setdefault((row.user_id, node_id), []).append(
            Observation(
                response_id=row.id,
                correct=bool(row.correct),
                score=float(row.score or 0.0),
                at=row.graded_at or timezone.now(),
                question_id=row.question_id,
            )
        )
    return result


mastery.register_observation_source(graded_observations)


def _set_monitoring(attempt: AttemptRecord, reason: str) -> None:
    try:
        from edx_django_utils.monitoring import set_custom_attribute
    except ImportError:  # pragma: no cover - edx-django-utils is a dependency; be tolerant anyway
        return
    set_custom_attribute("vault_attempt_id", attempt.id)
    set_custom_attribute("vault_submit_reason", reason)


def _after_grading(attempt: AttemptRecord, *, course_key: Any, report: bool, reason: str) -> None:

    ATTEMPT_SUBMITTED.send_robust(
        sender=AttemptRecord,
        attempt_id=attempt.id,
        user_id=attempt.user_id,
        course_key=course_key,
        assessment_id=attempt.assessment_id,
        reason=reason,
    )
    ATTEMPT_GRADED.send_robust(
        sender=AttemptRecord,
        attempt_id=attempt.id,
        user_id=attempt.user_id,
        course_key=course_key,
        assessment_id=attempt.assessment_id,
        score=attempt.score,
        passed=attempt.passed,
    )
    if report:
        hand_off_grade(attempt.assessment_id, attempt.user_id)
