"""
Submission (by the learner, staff, the timer or the sweep) and review. Re-exported by ``api.py``.

TLDR: ``submit_attempt`` locks the attempt row and checks its state inside the transaction, so two
racing submissions produce one grade and the loser returns the winner's result (idempotent). The
timer task and the sweep submit only attempts still in progress whose deadline plus grace has
passed, and grade what was saved.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import NotFoundError, ValidationError

from . import _render
from ._attempts import load_attempt, now_or
from ._context import VersionCache, context_for, load_context, versions_for
from ._submit import finish_attempt
from .data import AttemptState
from .data_api import AttemptAccess, AttemptResult, AttemptSummary
from .repositories import get_repository

log = logging.getLogger(__name__)

SUBMIT_REASONS = ("learner", "timer", "sweep", "staff")


def attempt_access(attempt_id: int) -> AttemptAccess:
    """
    The attempt's course, learner and deadline for a permission check, in one read (a 404 if there is no such
    attempt). The read also loads its assessment and its pinned question versions (with the nodes their questions
    are on), which the api functions taking ``access=`` then use instead of reading them again.
    """
    found = get_repository().attempt_access(attempt_id)
    if found is None:
        raise NotFoundError(f"No attempt {attempt_id}.")
    return AttemptAccess(
        attempt_id=attempt_id,
        assessment_id=found.assessment_id,
        course_key=found.assessment.course_key,
        user_id=found.user_id,
        deadline=found.deadline,
        assessment=found.assessment,
        versions=found.versions,
        nodes=found.nodes,
    )


def submit_attempt(
    attempt_id: int,
    *,
    user: Any = None,
    reason: str = "learner",
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
    staff: Any = None,
) -> AttemptResult:
    """
    Grade the attempt and close it; a second call returns the first result.

    ``user=None`` is the system (timer, sweep); a learner's call needs their ``user``. ``access`` is
    the same request's ``attempt_access``: its assessment is used instead of a new read. ``staff``: the staff
    member submitting a learner's attempt for them (``acting_as_staff``), recorded in the audit log with the grade.
    """
    if reason not in SUBMIT_REASONS:
        raise ValidationError(f"Unknown submit reason {reason!r}.", field="reason")
    now = now_or(now)
    versions = versions_for(attempt_id, access)
    with transaction.atomic():
        attempt = load_attempt(attempt_id, user, lock=True, acting_as_staff=acting_as_staff or user is None)
        ctx = context_for(attempt.assessment_id, access)
        if attempt.state == AttemptState.IN_PROGRESS:
            attempt = finish_attempt(ctx, attempt, reason=reason, now=now, versions=versions)
            if acting_as_staff and staff is not None:
                audit.record(
                    audit.ATTEMPT_SUBMITTED_BY_STAFF,
                    object_type="attempt",
                    object_id=attempt.id,
                    course_key=ctx.row.course_key,
                    actor=staff,
                    learner_id=attempt.user_id,
                    details={
                        "assessment_id": attempt.assessment_id,
                        "reason": reason,
                        "earned": attempt.earned,
                        "possible": attempt.possible,
                        "score": attempt.score,
                    },
                )
        return _render.attempt_result(ctx, attempt, now=now, versions=versions)


def get_attempt_result(
    attempt_id: int,
    *,
    user: Any,
    now: datetime | None = None,
    acting_as_staff: bool = False,
    access: AttemptAccess | None = None,
) -> AttemptResult:
    """The outcome with what the feedback policy releases now."""
    attempt = load_attempt(attempt_id, user, acting_as_staff=acting_as_staff)
    ctx = context_for(attempt.assessment_id, access)
    return _render.attempt_result(ctx, attempt, now=now_or(now), versions=versions_for(attempt_id, access))


def list_attempts(assessment_id: int, *, user: Any, now: datetime | None = None) -> list[AttemptSummary]:
    """The learner's attempt history, oldest first; scores only where released."""
    ctx = load_context(assessment_id)
    now = now_or(now)
    return [
        _render.attempt_summary(ctx, attempt, now=now)
        for attempt in get_repository().list_attempts(assessment_id, user.pk)
    ]


def timer_due_at(attempt_id: int) -> datetime | None:
    """When the timer should submit this attempt (deadline + grace), or None if it is not in progress or untimed."""
    attempt = get_repository().get_attempt(attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline is None:
        return None
    return attempt.deadline + timedelta(seconds=load_context(attempt.assessment_id).config.grace_seconds)


def auto_submit_attempt(attempt_id: int, *, now: datetime | None = None, reason: str = "timer") -> AttemptResult | None:
    """Submit the attempt if it is still in progress and its deadline plus grace has passed; None otherwise."""
    now = now_or(now)
    versions = VersionCache()
    with transaction.atomic():
        attempt = get_repository().get_attempt(attempt_id, lock=True)
        if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline is None:
            return None
        ctx = load_context(attempt.assessment_id)
        if now < attempt.deadline + timedelta(seconds=ctx.config.grace_seconds):
            return None  # the deadline moved later (an accommodation): the task reschedules itself
        finished = finish_attempt(ctx, attempt, reason=reason, now=now, versions=versions)
        return _render.attempt_result(ctx, finished, now=now, versions=versions)


def sweep_expired_attempts(*, now: datetime | None = None) -> int:
    """Submit every attempt whose time is up but whose timer task was lost; returns how many."""
    now = now_or(now)
    submitted = 0
    for attempt_id in get_repository().expired_attempt_ids(now):
        try:
            if auto_submit_attempt(attempt_id, now=now, reason="sweep") is not None:
                submitted += 1
        except Exception:  # one broken attempt must not stop the sweep of the others
            log.exception("The sweep could not submit attempt %s", attempt_id)
    if submitted:
        log.info("The sweep submitted %s expired attempt(s)", submitted)
    return submitted
