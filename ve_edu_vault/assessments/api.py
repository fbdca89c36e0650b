"""
Public Python API of assessments: author them, set accommodations, take attempts, review results.

TLDR: views, pages, tasks and other applets call only these functions (``__all__``). Writes run in
``transaction.atomic``; attempts and responses are stored through ``assessments.repositories``.
Learner-facing return values (``AttemptView``, ``QuestionView``, ``AttemptResult``) never carry an
answer key, an explanation or a hint before the feedback policy releases it (see ``_render``).
Permissions are the caller's (the REST layer): functions take the acting ``user`` and refuse an
attempt of another learner unless ``acting_as_staff=True``. Lifecycle functions live in
``_attempts`` and ``_results``; this module re-exports them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.audit import api as audit
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.questions import api as questions

from ._attempts import (
    check_answer,
    get_attempt,
    get_current_attempt,
    request_hint,
    save_answers,
    schedule_timer,
    start_attempt,
)
from ._blocks import (
    BLOCK_DEFAULT_CONFIG,
    assessment_points,
    bind_block,
    block_binding,
    bound_blocks,
    course_of,
)
from ._context import AssessmentContext, assessment_row, context_of, to_accommodation, to_config
from ._context import load_context as assessment_context
from ._grade_change import change_attempt_grade
from ._learner import learner_assessment, list_learner_assessments, preview_assessment
from ._results import (
    attempt_access,
    auto_submit_attempt,
    get_attempt_result,
    list_attempts,
    submit_attempt,
    sweep_expired_attempts,
    timer_due_at,
)
from ._submit import grade_answer, penalised
from .copy_storage import CopyReport, copy_course
from .data import Accommodation, AssessmentConfig, AttemptState, SelectionMode
from .data_api import (
    AccommodationData,
    AssessmentData,
    AttemptAccess,
    AttemptResult,
    AttemptSummary,
    AttemptView,
    BlockBinding,
    GradeChange,
    LearnerAssessmentSummary,
    QuestionView,
)
from .data_records import AccommodationRecord, AssessmentRecord
from .grades import GradeReportStatus, grade_report_status, hand_off_grade, learner_grade, learner_score
from .repositories import (
    AttemptRecord,
    AttemptTotalsUpdate,
    NewGrade,
    RegradeRow,
    get_assessment_repository,
    get_repository,
)
from .score_sinks import register as register_score_sink
from .take_page import take_config, take_strings

__all__ = [
    "AccommodationData",
    "AssessmentContext",
    "AssessmentData",
    "AttemptAccess",
    "AttemptRecord",
    "AttemptResult",
    "AttemptSummary",
    "AttemptTotalsUpdate",
    "AttemptView",
    "BlockBinding",
    "CopyReport",
    "GradeChange",
    "GradeReportStatus",
    "LearnerAssessmentSummary",
    "NewGrade",
    "QuestionView",
    "RegradeRow",
    "archive_assessment",
    "assessment_context",
    "assessment_points",
    "attempt_access",
    "auto_submit_attempt",
    "bind_block",
    "block_binding",
    "bound_blocks",
    "change_attempt_grade",
    "check_answer",
    "copy_course",
    "course_of",
    "create_assessment",
    "create_bound_assessment",
    "get_assessment",
    "get_attempt",
    "get_attempt_result",
    "get_current_attempt",
    "get_repository",
    "grade_answer",
    "grade_report_status",
    "hand_off_grade",
    "learner_assessment",
    "learner_grade",
    "learner_score",
    "list_accommodations",
    "list_assessments",
    "list_attempts",
    "list_learner_assessments",
    "penalised",
    "preview_assessment",
    "register_score_sink",
    "request_hint",
    "retire_learner",
    "save_answers",
    "set_accommodation",
    "start_attempt",
    "submit_attempt",
    "sweep_expired_attempts",
    "take_config",
    "take_strings",
    "timer_due_at",
    "update_assessment",
]


def _data(row: AssessmentRecord) -> AssessmentData:
    return AssessmentData(
        id=row.id,
        course_key=row.course_key,
        node_usage_key=str(row.node_usage_key) if row.node_usage_key is not None else None,
        title=row.title,
        config=to_config(dict(row.config)),
        archived=row.archived,
        created=row.created,
        modified=row.modified,
    )


def _node_id(course_key: CourseKey, node_usage_key: UsageKey | str | None) -> int | None:
    if node_usage_key is None or node_usage_key == "":
        return None
    try:
        key = node_usage_key if isinstance(node_usage_key, UsageKey) else UsageKey.from_string(str(node_usage_key))
        node = course_sync.get_node(key)
    except (NotFoundError, ValueError) as exc:
        raise ValidationError(f"No node {node_usage_key} in the vault.", field="node_usage_key") from exc
    if node.course_key != course_key:
        raise ValidationError("The node belongs to another course.", field="node_usage_key")
    return node.id


def _checked_config(course_key: CourseKey, config: dict[str, Any] | AssessmentConfig) -> AssessmentConfig:
    """Validate the config, and that the questions and pool it names belong to the course."""
    parsed = to_config(config)
    rule = parsed.selection
    if rule.mode is SelectionMode.FIXED:
        for index, question_id in enumerate(rule.question_ids):
            try:
                questions.get_question(question_id, course_key=course_key)
            except NotFoundError as exc:
                raise ValidationError(
                    f"No question {question_id} in {course_key}.", field=f"config.selection.question_ids[{index}]"
                ) from exc
    elif rule.pool_node:
        try:
            _node_id(course_key, rule.pool_node)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="config.selection.pool_node") from exc
    return parsed


def _title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValidationError("A title is required.", field="title")
    return title.strip()[:255]


def create_assessment(
    course_key: CourseKey,
    *,
    node_usage_key: UsageKey | str | None,
    title: str,
    config: dict[str, Any] | AssessmentConfig,
    author: Any = None,
) -> AssessmentData:
    """A new assessment of ``course_key`` attached to a node of its mirror."""
    parsed = _checked_config(course_key, config)
    with transaction.atomic():
        created = get_assessment_repository().create_assessment(
            course_key=course_key,
            node_id=_node_id(course_key, node_usage_key),
            title=_title(title),
            config=parsed.to_dict(),
            created_by_id=getattr(author, "pk", None) if getattr(author, "is_authenticated", False) else None,
        )
        return _data(assessment_row(created))


def create_bound_assessment(
    usage_key: UsageKey,
    *,
    title: str,
    question_ids: list[int],
    node_usage_key: UsageKey | str | None = None,
    author: Any = None,
) -> AssessmentData:
    """A new assessment of the block's course with the listed questions (defaults otherwise), bound to the block."""
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


def update_assessment(
    assessment_id: int,
    *,
    course_key: CourseKey,
    title: str | None = None,
    config: dict[str, Any] | AssessmentConfig | None = None,
) -> AssessmentData:
    """Change the title or config; attempts already started keep their questions and deadline."""
    repository = get_assessment_repository()
    with transaction.atomic():
        row = assessment_row(assessment_id, course_key)
        repository.lock_assessment(row.id)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _title(title)
        if config is not None:
            changes["config"] = _checked_config(course_key, config).to_dict()
        repository.update_assessment(row.id, **changes)
        return _data(assessment_row(row.id))


def get_assessment(assessment_id: int, *, course_key: CourseKey | None = None) -> AssessmentData:
    return _data(assessment_row(assessment_id, course_key))


def list_assessments(course_key: CourseKey, *, include_archived: bool = False) -> list[AssessmentData]:
    rows = get_assessment_repository().list_assessments(course_key, include_archived=include_archived)
    return [_data(row) for row in rows]


def archive_assessment(assessment_id: int, *, course_key: CourseKey) -> AssessmentData:
    """No new attempts; attempts in progress may still be finished and everything stays reviewable."""
    with transaction.atomic():
        row = assessment_row(assessment_id, course_key)
        if not row.archived:
            get_assessment_repository().update_assessment(row.id, archived=True, archived_at=timezone.now())
            row = assessment_row(row.id)
        return _data(row)


def _accommodation_data(row: AccommodationRecord) -> AccommodationData:
    return AccommodationData(
        assessment_id=row.assessment_id,
        user_id=row.user_id,
        username=row.username,
        accommodation=Accommodation(
            extra_minutes=row.extra_minutes, time_multiplier=row.time_multiplier, extra_attempts=row.extra_attempts
        ),
        set_by_id=row.set_by_id,
        modified=row.modified,
    )


def _accommodation_fields(row: AccommodationRecord | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "extra_minutes": row.extra_minutes,
        "time_multiplier": row.time_multiplier,
        "extra_attempts": row.extra_attempts,
    }


def set_accommodation(
    assessment_id: int, *, user: Any, accommodation: dict[str, Any] | Accommodation, set_by: Any = None
) -> AccommodationData:
    """Set a learner's accommodation; an attempt in progress gets its deadline moved (and its timer rescheduled)."""
    parsed = to_accommodation(accommodation)
    with transaction.atomic():
        row = assessment_row(assessment_id)
        before = get_assessment_repository().get_accommodation(row.id, user.pk)
        saved = get_assessment_repository().set_accommodation(
            row.id,
            user.pk,
            extra_minutes=parsed.extra_minutes,
            time_multiplier=parsed.time_multiplier,
            extra_attempts=parsed.extra_attempts,
            set_by_id=getattr(set_by, "pk", None),
        )
        repository = get_repository()
        current = repository.get_in_progress(row.id, user.pk)
        if current is not None:
            ctx = context_of(row)
            locked = repository.get_attempt(current.id, lock=True)
            deadline = ctx.deadline(locked.started_at, parsed)
            if locked.state == AttemptState.IN_PROGRESS and deadline != locked.deadline:
                repository.update_attempt(locked.id, deadline=deadline)
                schedule_timer(locked.id, deadline, ctx.config.grace_seconds)
        audit.record(
            audit.ACCOMMODATION_SET,
            object_type="accommodation",
            object_id=saved.id,
            course_key=row.course_key,
            actor=set_by,
            learner_id=user.pk,
            details={
                "assessment_id": row.id,
                "before": _accommodation_fields(before),
                "after": _accommodation_fields(saved),
            },
        )
        return _accommodation_data(saved)


def retire_learner(user_id: int) -> dict[str, int]:
    """
    Learner retirement (docs/decisions/0013-learner-retirement.rst): remove the learner's accommodations
    and queued grade reports; keep their attempts and responses, which item statistics are made of.
    """
    with transaction.atomic():
        accommodations = get_assessment_repository().delete_accommodations(user_id)
        attempts, reports = get_repository().retire_learner(user_id)
    return {"accommodations_removed": accommodations, "grade_reports_dropped": reports, "attempts_kept": attempts}


def list_accommodations(assessment_id: int) -> list[AccommodationData]:
    return [_accommodation_data(row) for row in get_assessment_repository().list_accommodations(assessment_id)]
