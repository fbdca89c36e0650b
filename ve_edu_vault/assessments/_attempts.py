"""
The attempt lifecycle: start, answer, check, hint. Re-exported by ``api.py``.

TLDR: every write runs in ``transaction.atomic`` and locks the attempt row first
(``repository.get_attempt(lock=True)``), so saves, checks and submissions of one attempt
serialise. Learner views come only from ``_render``. Functions take the acting ``user``; an attempt
of someone else is a 404 unless ``acting_as_staff=True`` (the REST layer checks staff permissions
before passing it). Submission and review live in ``_results``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ve_edu_vault.errors import (
    AssessmentClosedError,
    AttemptClosedError,
    AttemptLimitReachedError,
    CheckNotAllowedError,
    NoHintsLeftError,
    NotFoundError,
    NoTriesLeftError,
    ValidationError,
)
from ve_edu_vault.questions import api as questions

from . import _render, queueing, timing
from ._context import AssessmentContext, VersionCache, context_for, load_context, versions_for
from ._draw import draw_responses
from ._submit import finish_attempt, grade_answer, hook_context, penalised
from .data import AttemptState, QuestionBehaviour
from .data_api import AttemptAccess, AttemptView, QuestionView
from .repositories import AttemptInProgressConflict, AttemptRecord, NewAttempt, ResponseRecord, get_repository

log = logging.getLogger(__name__)


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def load_attempt(attempt_id: int, user: Any, *, lock: bool = False, acting_as_staff: bool = False) -> AttemptRecord:
    """The attempt, if ``user`` owns it (or staff act for the learner); a 404 otherwise."""
    attempt = get_repository().get_attempt(attempt_id, lock=lock)
    if not acting_as_staff and (user is None or attempt.user_id != getattr(user, "pk", None)):
        raise NotFoundError(f"No attempt {attempt_id}.")
    return attempt


def schedule_timer(attempt_id: int, deadline: datetime | None, grace_seconds: int) -> None:
    """After commit, queue the task that submits the attempt when time is up (the sweep catches lost ones)."""
    if deadline is None:
        return
    task = queueing.task("auto_submit_attempt")

    eta = deadline + timedelta(seconds=grace_seconds)

    def send() -> None:
        try:
            task.apply_async(args=[attempt_id], eta=eta)
        except Exception:
            log.warning("Could not schedule the timer of attempt %s; the sweep will submit it", attempt_id)

    transaction.on_commit(send)


def _writable(ctx: AssessmentContext, attempt: AttemptRecord, now: datetime) -> None:
    if attempt.state != AttemptState.IN_PROGRESS or not timing.accepts_answers(
        now, attempt.deadline, ctx.config.grace_seconds
    ):
        raise AttemptClosedError()


def start_attempt(assessment_id: int, user: Any, *, now: datetime | None = None) -> AttemptView:
    """The learner's attempt in progress, or a new one (questions drawn and versions pinned from a stored seed)."""
    now = now_or(now)
    repository = get_repository()
    with transaction.atomic():
        ctx = load_context(assessment_id)
        current = repository.get_in_progress(assessment_id, user.pk)
        if current is not None and not timing.accepts_answers(now, current.deadline, ctx.config.grace_seconds):
            # Its time is up and the timer has not run yet: submit what was saved, then start afresh.
            locked = repository.get_attempt(current.id, lock=True)
            if locked.state == AttemptState.IN_PROGRESS:
                finish_attempt(ctx, locked, reason="timer", now=now, versions=VersionCache())
            current = None
        if current is not None:
            return _render.attempt_view(ctx, current, now=now, versions=VersionCache())
        if ctx.row.archived:
            raise AssessmentClosedError("This assessment is archived.")
        if not timing.is_open(now, ctx.opens_at, ctx.closes_at):
            raise AssessmentClosedError()
        accommodation = ctx.accommodation(user.pk)
        allowed = ctx.attempts_allowed(accommodation)
        if allowed is not None and repository.count_attempts(assessment_id, user.pk) >= allowed:
            raise AttemptLimitReachedError()
        seed = secrets.randbits(48)
        deadline = ctx.deadline(now, accommodation)
        new = NewAttempt(
            assessment_id=assessment_id,
            user_id=user.pk,
            number=repository.next_number(assessment_id, user.pk),
            seed=seed,
            started_at=now,
            deadline=deadline,
            responses=draw_responses(ctx, user_id=user.pk, seed=seed),
        )
        try:
            attempt = repository.create_attempt(new)
        except AttemptInProgressConflict:
            # A racing request started one first (its row is committed: we read committed data).
            current = repository.get_in_progress(assessment_id, user.pk)
            if current is None:
                raise
            return _render.attempt_view(ctx, current, now=now, versions=VersionCache())
        schedule_timer(attempt.id, deadline, ctx.config.grace_seconds)
        return _render.attempt_view(ctx, attempt, now=now, versions=VersionCache())


def get_current_attempt(assessment_id: int, user: Any, *, now: datetime | None = None) -> AttemptView | None:
    attempt = get_repository().get_in_progress(assessment_id, user.pk)
    if attempt is None:
        return None
    return _render.attempt_view(load_context(assessment_id), attempt, now=now_or(now), versions=VersionCache())


def get_attempt(
    attempt_id: int,
    *,
    user: Any,
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
) -> AttemptView:
    attempt = load_attempt(attempt_id, user, acting_as_staff=acting_as_staff)
    ctx = context_for(attempt.assessment_id, access)
    return _render.attempt_view(ctx, attempt, now=now_or(now), versions=versions_for(attempt_id, access))


def _locked(ctx: AssessmentContext, item: ResponseRecord) -> bool:
    """A checked answer with no tries left can no longer change."""
    left = _render.tries_left(ctx, item.tries_used)
    return item.checked and left == 0


def save_answers(
    attempt_id: int,
    *,
    user: Any,
    answers: Mapping[str, Any],
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
) -> AttemptView:
    """Store answers (``{response_id: answer}``); refused with ``AttemptClosedError`` after deadline + grace."""
    now = now_or(now)
    if not isinstance(answers, Mapping):
        raise ValidationError("Answers must be an object keyed by response id.", field="answers")
    repository = get_repository()
    versions = versions_for(attempt_id, access)
    with transaction.atomic():
        attempt = load_attempt(attempt_id, user, lock=True, acting_as_staff=acting_as_staff)
        ctx = context_for(attempt.assessment_id, access)
        _writable(ctx, attempt, now)
        sent: list[tuple[ResponseRecord, Any]] = []
        for key, answer in answers.items():
            try:
                item = attempt.response(int(key))
            except (TypeError, ValueError):
                item = None
            if item is None:
                shown = str(key)[:40]  # never echo unbounded input
                raise ValidationError(f"No response {shown} in this attempt.", field=f"answers.{shown}")
            sent.append((item, answer))
        # Every answer is checked against its question's types (and the size limits) before any is stored.
        questions.validate_answers(
            (str(item.id), versions.content(item.question_version_id), answer) for item, answer in sent
        )
        changes: list[tuple[ResponseRecord, Any]] = []
        for item, answer in sent:
            if answer != item.answer:
                if _locked(ctx, item):
                    raise NoTriesLeftError(field=f"answers.{item.id}")
                changes.append((item, answer))
        for item, answer in changes:
            # A changed answer is no longer the one that was checked: it is graded again at submission.
            repository.update_response(item.id, answer=answer, graded_at=None)
        return _render.attempt_view(ctx, repository.get_attempt(attempt_id), now=now, versions=versions)


def _response(attempt: AttemptRecord, response_id: int) -> ResponseRecord:
    item = attempt.response(int(response_id))
    if item is None:
        raise NotFoundError(f"No response {response_id} in attempt {attempt.id}.")
    return item


def _view(
    ctx: AssessmentContext, attempt: AttemptRecord, item: ResponseRecord, versions: VersionCache, now: datetime
) -> QuestionView:
    return _render.question_view(
        ctx,
        response=item,
        content=versions.content(item.question_version_id),
        position=item.position,
        seed=attempt.seed,
        state=_render.AttemptState(attempt.state),
        now=now,
    )


def check_answer(
    attempt_id: int,
    *,
    user: Any,
    response_id: int,
    answer: Any,
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
) -> QuestionView:
    """Grade one answer now (immediate: once; interactive: up to ``max_tries``); deferred refuses (409)."""
    now = now_or(now)
    repository = get_repository()
    versions = versions_for(attempt_id, access)
    with transaction.atomic():
        attempt = load_attempt(attempt_id, user, lock=True, acting_as_staff=acting_as_staff)
        ctx = context_for(attempt.assessment_id, access)
        _writable(ctx, attempt, now)
        if ctx.config.behaviour is QuestionBehaviour.DEFERRED:
            raise CheckNotAllowedError()
        item = _response(attempt, response_id)
        if _render.tries_left(ctx, item.tries_used) == 0:
            raise NoTriesLeftError()
        content = versions.content(item.question_version_id)
        questions.validate_answers([(str(item.id), content, answer)])
        context = hook_context(ctx, user_id=attempt.user_id, question_id=item.question_id)
        raw, correct, grader_feedback = grade_answer(content, answer, context=context)
        if "error" in grader_feedback:  # unreadable: tell the learner, do not use up a try
            raise ValidationError(grader_feedback["error"], field=f"answers.{response_id}")
        tries = item.tries_used + 1
        item = repository.update_response(
            item.id,
            answer=answer,
            raw_score=raw,
            correct=correct,
            feedback=grader_feedback,
            tries_used=tries,
            checked=True,
            graded_at=now,
            score=penalised(ctx, content, raw, tries_used=tries, hints_shown=item.hints_shown),
        )
        return _view(ctx, attempt, item, versions, now)


def request_hint(
    attempt_id: int,
    *,
    user: Any,
    response_id: int,
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
) -> QuestionView:
    """Release the next hint of one question (its penalty applies at grading)."""
    now = now_or(now)
    versions = versions_for(attempt_id, access)
    with transaction.atomic():
        attempt = load_attempt(attempt_id, user, lock=True, acting_as_staff=acting_as_staff)
        ctx = context_for(attempt.assessment_id, access)
        _writable(ctx, attempt, now)
        item = _response(attempt, response_id)
        content = versions.content(item.question_version_id)
        if not ctx.config.hints_enabled or item.hints_shown >= len(content.hints):
            raise NoHintsLeftError()
        item = get_repository().update_response(item.id, hints_shown=item.hints_shown + 1)
        return _view(ctx, attempt, item, versions, now)
