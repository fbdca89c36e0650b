"""
Assessments bound to vault assessment XBlocks (``ve_vault_assessment``): bind, unbind, create bound, points.

TLDR: private to the applet, re-exported by ``api.py``. A binding is an ``AssessmentBlock`` row keyed by the
block's usage key (one block per assessment, one assessment per block), written only here, each change with
an ``AssessmentBlockChange`` audit record. Binding a graded assessment that learners already took queues the
publication of their grades (the outbox of ``grades.py``), so their grades reach the LMS gradebook too.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError

from ._context import assessment_row, context_of
from ._draw import draw_responses
from .data_api import BlockBinding
from .data_records import BindingRecord
from .grades import trigger_drain
from .repositories import get_assessment_repository, get_repository

#: A new assessment made from a block's editor: the listed questions, one attempt, results after submission.
BLOCK_DEFAULT_CONFIG: dict[str, Any] = {
    "attempt_limit": 1,
    "behaviour": "deferred",
    "feedback": "after_submission",
    "pass_threshold": 0.5,
    "scoring": "highest",
}


def course_of(usage_key: UsageKey) -> CourseKey:
    """The course a block's usage key belongs to; a 400 naming ``usage_key`` for a block outside a course."""
    course_key = getattr(usage_key, "course_key", None)
    if not isinstance(course_key, CourseKey):
        raise ValidationError(_("Vault assessments can be placed in courses only."), field="usage_key")
    return course_key


def _binding(row: BindingRecord) -> BlockBinding:
    return BlockBinding(
        usage_key=row.usage_key,
        course_key=row.course_key,
        assessment_id=row.assessment_id,
        bound_by_id=row.bound_by_id,
        modified=row.modified,
    )


def block_binding(usage_key: UsageKey) -> BlockBinding | None:
    """The assessment bound to this block, or None (a new, duplicated, imported or re-run block)."""
    row = get_assessment_repository().get_binding(usage_key)
    return _binding(row) if row is not None else None


def bound_blocks(course_key: CourseKey) -> dict[int, UsageKey]:
    """``{assessment id: block usage key}`` of the course's bound assessments (for pickers and lists)."""
    return get_assessment_repository().bindings(course_key)


def _audit(
    action: str, usage_key: UsageKey, course_key: CourseKey, by: Any, assessment_id: int | None, previous: int | None
) -> None:
    audit.record(
        action,
        object_type="block",
        object_id=usage_key,
        course_key=course_key,
        actor=by,
        details={"assessment_id": assessment_id, "previous_assessment_id": previous},
    )


def bind_block(usage_key: UsageKey, *, assessment_id: int | None, by: Any = None) -> BlockBinding | None:
    """
    Bind the block to an assessment of its course (``None`` unbinds it); returns the binding.

    Refused with a 400 (``assessment_id``) for an assessment of another course or an archived one, and a 409
    for an assessment bound to another block. Binding a graded assessment queues the publication of every
    learner's current grade against this block (after commit, through the outbox).
    """
    course_key = course_of(usage_key)
    actor_id = getattr(by, "pk", None) if getattr(by, "is_authenticated", False) else None
    repository = get_assessment_repository()
    with transaction.atomic():
        current = repository.get_binding(usage_key, lock=True)
        previous_id = current.assessment_id if current is not None else None
        if assessment_id is None:
            if current is None:
                return None
            repository.unbind(usage_key)
            repository.record_binding_change(
                usage_key, bound=False, assessment_id=None, previous_assessment_id=previous_id, changed_by_id=actor_id
            )
            _audit(audit.BLOCK_UNBOUND, usage_key, course_key, by, None, previous_id)
            return None
        try:
            row = assessment_row(int(assessment_id), course_key)
        except (NotFoundError, TypeError, ValueError) as exc:
            raise ValidationError(
                _("No assessment {id} in this course.").format(id=assessment_id), field="assessment_id"
            ) from exc
        if row.archived:
            raise ValidationError(_("This assessment is archived."), field="assessment_id")
        if previous_id == row.id:
            assert current is not None
            return _binding(current)
        elsewhere = repository.binding_elsewhere(row.id, usage_key)
        if elsewhere is not None:
            raise ConflictError(
                _("This assessment is already used by another component ({usage_key}).").format(
                    usage_key=elsewhere.usage_key
                ),
                field="assessment_id",
            )
        try:
            current = repository.bind(usage_key, course_key=course_key, assessment_id=row.id, bound_by_id=actor_id)
        except ConflictError as exc:  # a concurrent binding of the same assessment won
            raise ConflictError(
                _("This assessment is already used by another component."), field="assessment_id"
            ) from exc
        repository.record_binding_change(
            usage_key, bound=True, assessment_id=row.id, previous_assessment_id=previous_id, changed_by_id=actor_id
        )
        _audit(audit.BLOCK_BOUND, usage_key, course_key, by, row.id, previous_id)
        if context_of(row).config.graded and _queue_existing_grades(row.id):
            transaction.on_commit(_trigger_drain)
        return _binding(current)


def _queue_existing_grades(assessment_id: int) -> int:
    """Mark the graded attempts of the assessment for publication (the drain publishes each learner once)."""
    return get_repository().queue_reports(assessment_id, timezone.now())


def _trigger_drain() -> None:
    trigger_drain()


def assessment_points(assessment_id: int) -> float:
    """
    The points of an attempt: the block's ``max_score()``. A fixed list's current versions' points; a random
    draw's points for a fixed seed (exact when the pool's questions are worth the same, as they usually are).
    0 when the assessment has no questions to show yet.
    """
    ctx = context_of(assessment_row(assessment_id))
    try:
        drawn = draw_responses(ctx, user_id=None, seed=0)
    except ConflictError:
        return 0.0
    return math.fsum(item.points for item in drawn)
