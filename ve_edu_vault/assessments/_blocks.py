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

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError

from ._context import assessment_row, context_of
from ._draw import draw_responses
from .data_api import AssessmentData, BlockBinding
from .models import AssessmentBlock, AssessmentBlockChange, Attempt

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


def _binding(row: AssessmentBlock) -> BlockBinding:
    return BlockBinding(
        usage_key=row.usage_key,
        course_key=row.course_key,
        assessment_id=row.assessment_id,
        bound_by_id=row.bound_by_id,
        modified=row.modified,
    )


def block_binding(usage_key: UsageKey) -> BlockBinding | None:
    """The assessment bound to this block, or None (a new, duplicated, imported or re-run block)."""
    row = AssessmentBlock.objects.filter(usage_key=usage_key).first()
    return _binding(row) if row is not None else None


def bound_blocks(course_key: CourseKey) -> dict[int, UsageKey]:
    """``{assessment id: block usage key}`` of the course's bound assessments (for pickers and lists)."""
    rows = AssessmentBlock.objects.filter(course_key=course_key).values_list("assessment_id", "usage_key")
    return dict(rows)


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
    with transaction.atomic():
        current = AssessmentBlock.objects.select_for_update().filter(usage_key=usage_key).first()
        previous_id = current.assessment_id if current is not None else None
        if assessment_id is None:
            if current is None:
                return None
            current.delete()
            AssessmentBlockChange.objects.create(
                usage_key=usage_key,
                action=AssessmentBlockChange.UNBOUND,
                assessment_id=None,
                previous_assessment_id=previous_id,
                changed_by_id=actor_id,
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
        if previous_id == row.pk:
            assert current is not None
            return _binding(current)
        elsewhere = AssessmentBlock.objects.filter(assessment_id=row.pk).exclude(usage_key=usage_key).first()
        if elsewhere is not None:
            raise ConflictError(
                _("This assessment is already used by another component ({usage_key}).").format(
                    usage_key=elsewhere.usage_key
                ),
                field="assessment_id",
            )
        try:
            with transaction.atomic():
                if current is None:
                    current = AssessmentBlock.objects.create(
                        usage_key=usage_key, course_key=course_key, assessment_id=row.pk, bound_by_id=actor_id
                    )
                else:
                    current.assessment_id, current.bound_by_id = row.pk, actor_id
                    current.save(update_fields=["assessment", "bound_by", "modified"])
        except IntegrityError as exc:  # a concurrent binding of the same assessment won
            raise ConflictError(
                _("This assessment is already used by another component."), field="assessment_id"
            ) from exc
        AssessmentBlockChange.objects.create(
            usage_key=usage_key,
            action=AssessmentBlockChange.BOUND,
            assessment_id=row.pk,
            previous_assessment_id=previous_id,
            changed_by_id=actor_id,
        )
        _audit(audit.BLOCK_BOUND, usage_key, course_key, by, row.pk, previous_id)
        if context_of(row).config.graded and _queue_existing_grades(row.pk):
            transaction.on_commit(_trigger_drain)
        return _binding(current)


def _queue_existing_grades(assessment_id: int) -> int:
    """Mark the graded attempts of the assessment for publication (the drain publishes each learner once)."""
    return Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED, report_due_at__isnull=True).update(
        report_due_at=timezone.now()
    )


def _trigger_drain() -> None:
    from .grades import trigger_drain

    trigger_drain()


def create_bound_assessment(
    usage_key: UsageKey,
    *,
    title: str,
    question_ids: list[int],
    node_usage_key: UsageKey | str | None = None,
    author: Any = None,
) -> AssessmentData:
    """A new assessment of the block's course with the listed questions (defaults otherwise), bound to the block."""
    from .api import create_assessment, get_assessment

    course_key = course_of(usage_key)
    if not question_ids:
        raise ValidationError(_("Pick at least one question."), field="question_ids")
    config = {**BLOCK_DEFAULT_CONFIG, "selection": {"mode": "fixed", "question_ids": list(question_ids)}}
    with transaction.atomic():
        created = create_assessment(
            course_key, node_usage_key=node_usage_key, title=title, config=config, author=author
        )
        bind_block(usage_key, assessment_id=created.id, by=author)
    return get_assessment(created.id)


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
