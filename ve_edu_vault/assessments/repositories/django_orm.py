"""
The Django ORM backend of ``AttemptRepository`` (the default).

TLDR: the only module that touches ``Attempt`` and ``Response`` rows. The "one attempt in progress"
rule is the unique (assessment, user, in_progress) constraint: a racing second insert fails with
``IntegrityError`` inside its own savepoint, which we turn into ``AttemptInProgressConflict`` so the
caller's transaction stays usable (PostgreSQL aborts a transaction on an error outside a savepoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.prepared_queries import PreparedQuery, update_row, update_rows
from ve_edu_vault.questions import api as questions

from ..data_records import AccessRecord, DueReport, GradedResponse, ReportStatus
from ..data_stats import EVERY_FINISHED, AnswerTally, AttemptRow, AttemptSums, ExportFilter, ResponseRow, VersionSums
from ..models import Attempt, Response
from . import django_orm_exports as exports
from . import django_orm_grading as grading
from . import django_orm_regrade as regrade
from . import django_orm_reports as reports
from . import django_orm_stats as stats
from .base import (
    ATTEMPT_FIELDS,
    RESPONSE_FIELDS,
    AttemptInProgressConflict,
    AttemptRecord,
    AttemptRepository,
    AttemptTotalsUpdate,
    NewAttempt,
    NewGrade,
    RegradeRow,
    ResponseRecord,
    ResponseScore,
    apply_grades,
    check_fields,
)
from .django_orm_assessments import ASSESSMENT_LOOKUPS, assessment_from_values

__all__ = ["DjangoAttemptRepository"]


def _response(row: Response) -> ResponseRecord:
    return ResponseRecord(
        id=row.pk,
        attempt_id=row.attempt_id,
        position=row.position,
        question_id=row.question_id,
        question_version_id=row.question_version_id,
        points=row.points,
        answer=row.answer,
        raw_score=row.raw_score,
        score=row.score,
        correct=row.correct,
        tries_used=row.tries_used,
        hints_shown=row.hints_shown,
        checked=row.checked,
        feedback=row.feedback,
        graded_at=row.graded_at,
    )


def _attempt(row: Attempt, responses: Iterable[Response] = ()) -> AttemptRecord:
    return AttemptRecord(
        id=row.pk,
        assessment_id=row.assessment_id,
        user_id=row.user_id,
        number=row.number,
        state=row.state,
        seed=row.seed,
        started_at=row.started_at,
        deadline=row.deadline,
        submitted_at=row.submitted_at,
        graded_at=row.graded_at,
        earned=row.earned,
        possible=row.possible,
        score=row.score,
        passed=row.passed,
        submit_reason=row.submit_reason,
        report_due_at=row.report_due_at,
        responses=tuple(_response(item) for item in responses),
    )


_RESPONSE_COLUMNS = tuple(item.name for item in dataclass_fields(ResponseRecord))
_ATTEMPT_COLUMNS = tuple(item.name for item in dataclass_fields(AttemptRecord) if item.name != "responses")
# The reads of every attempt request, compiled once per connection (ve_edu_vault/prepared_queries.py).
_RESPONSES = PreparedQuery(
    lambda attempt_id: (
        Response.objects.filter(attempt_id=attempt_id).order_by("position").values_list(*_RESPONSE_COLUMNS)
    )
)
_ATTEMPT = PreparedQuery(lambda attempt_id: Attempt.objects.filter(pk=attempt_id).values_list(*_ATTEMPT_COLUMNS))
_LOCKED_ATTEMPT = PreparedQuery(
    lambda attempt_id: Attempt.objects.filter(pk=attempt_id).select_for_update().values_list(*_ATTEMPT_COLUMNS)
)
# The attempt and its responses in one locking read. The attempt is the first table of the join, so
# it is locked before its responses, in the order every other writer of an attempt takes them (the
# attempt row first): no deadlock with an autosave. An attempt without responses gives no row.
_LOCKED_ATTEMPT_WITH_RESPONSES = PreparedQuery(
    lambda attempt_id: (
        Attempt.objects.filter(pk=attempt_id, responses__isnull=False)
        .select_for_update()
        .order_by("responses__position")
        .values_list(*_ATTEMPT_COLUMNS, *(f"responses__{name}" for name in _RESPONSE_COLUMNS))
    )
)


_ACCESS_HEAD = ("assessment_id", "user_id", "deadline", *(f"assessment__{name}" for name in ASSESSMENT_LOOKUPS))
# Each response's pinned version with its question's node, selected in this repository's join through the
# questions applet's typed projection (ve_edu_vault/projection.py): no column list of another applet here.
_RESPONSE_VERSION = questions.VERSION_WITH_NODE.through("responses__question_version")
# The attempt, its assessment, and each response's pinned version with its question's node: one row per response
# (the attempt's columns repeated, converted once). Every attempts/<id>/ request runs it first.
_ACCESS = PreparedQuery(
    lambda attempt_id: Attempt.objects.filter(pk=attempt_id).values_list(*_ACCESS_HEAD, *_RESPONSE_VERSION.lookups),
    shared_prefix=len(_ACCESS_HEAD),
)


def _responses_of(attempt_id: int) -> tuple[ResponseRecord, ...]:
    return tuple(
        ResponseRecord(**dict(zip(_RESPONSE_COLUMNS, row, strict=True)))
        for row in _RESPONSES.rows(attempt_id=attempt_id)
    )


class DjangoAttemptRepository(AttemptRepository):
    def _with_responses(self, row: Attempt) -> AttemptRecord:
        return replace(_attempt(row), responses=_responses_of(row.pk))

    def create_attempt(self, attempt: NewAttempt) -> AttemptRecord:
        try:
            with transaction.atomic():
                row = Attempt.objects.create(
                    assessment_id=attempt.assessment_id,
                    user_id=attempt.user_id,
                    number=attempt.number,
                    seed=attempt.seed,
                    started_at=attempt.started_at,
                    deadline=attempt.deadline,
                    state=Attempt.IN_PROGRESS,
                    in_progress=True,
                )
                Response.objects.bulk_create(
                    Response(
                        attempt=row,
                        position=item.position,
                        question_id=item.question_id,
                        question_version_id=item.question_version_id,
                        points=item.points,
                    )
                    for item in attempt.responses
                )
        except IntegrityError as exc:
            raise AttemptInProgressConflict("An attempt of this assessment is already in progress.") from exc
        return self._with_responses(row)

    def get_attempt(self, attempt_id: int, *, lock: bool = False) -> AttemptRecord:
        if lock:
            joined = _LOCKED_ATTEMPT_WITH_RESPONSES.rows(attempt_id=attempt_id)
            if joined:
                split = len(_ATTEMPT_COLUMNS)
                responses = tuple(
                    ResponseRecord(**dict(zip(_RESPONSE_COLUMNS, row[split:], strict=True))) for row in joined
                )
                return AttemptRecord(**dict(zip(_ATTEMPT_COLUMNS, joined[0][:split], strict=True)), responses=responses)
        row = (_LOCKED_ATTEMPT if lock else _ATTEMPT).first(attempt_id=attempt_id)
        if row is None:
            raise NotFoundError(f"No attempt {attempt_id}.")
        return AttemptRecord(**dict(zip(_ATTEMPT_COLUMNS, row, strict=True)), responses=_responses_of(attempt_id))

    def get_in_progress(self, assessment_id: int, user_id: int) -> AttemptRecord | None:
        row = Attempt.objects.filter(assessment_id=assessment_id, user_id=user_id, in_progress=True).first()
        return self._with_responses(row) if row is not None else None

    def list_attempts(self, assessment_id: int, user_id: int, *, with_responses: bool = False) -> list[AttemptRecord]:
        rows = Attempt.objects.filter(assessment_id=assessment_id, user_id=user_id).order_by("number")
        if not with_responses:
            return [_attempt(row) for row in rows]
        rows = rows.prefetch_related("responses")
        return [_attempt(row, sorted(row.responses.all(), key=lambda item: item.position)) for row in rows]

    def count_attempts(self, assessment_id: int, user_id: int) -> int:
        return Attempt.objects.filter(assessment_id=assessment_id, user_id=user_id).count()

    def next_number(self, assessment_id: int, user_id: int) -> int:
        last = Attempt.objects.filter(assessment_id=assessment_id, user_id=user_id).aggregate(Max("number"))
        return int(last["number__max"] or 0) + 1

    def update_response(self, response_id: int, **fields: Any) -> ResponseRecord:
        check_fields(fields, RESPONSE_FIELDS)
        row = Response.objects.filter(pk=response_id).first()
        if row is None:
            raise NotFoundError(f"No response {response_id}.")
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=[*fields, "modified"])
        return _response(row)

    def update_responses(self, updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """One UPDATE for all the responses (``prepared_queries.update_rows``), when they change the same fields."""
        if not updates:
            return
        names = {name for _id, fields in updates for name in fields}
        check_fields(dict.fromkeys(names), RESPONSE_FIELDS)
        if any(set(fields) != names for _id, fields in updates):  # uneven updates: one by one
            super().update_responses(updates)
            return
        now = timezone.now()
        matched = update_rows(Response, [(response_id, {**fields, "modified": now}) for response_id, fields in updates])
        if matched != len({response_id for response_id, _fields in updates}):
            raise NotFoundError("A response to update does not exist.")

    def close_attempt(
        self, attempt: AttemptRecord, responses: Sequence[ResponseRecord], **fields: Any
    ) -> AttemptRecord:
        check_fields(fields, ATTEMPT_FIELDS)
        values = dict(fields)
        if "state" in fields:
            values["in_progress"] = True if fields["state"] == Attempt.IN_PROGRESS else None
        if not update_row(Attempt, attempt.id, {**values, "modified": timezone.now()}):
            raise NotFoundError(f"No attempt {attempt.id}.")
        return replace(attempt, **fields, responses=tuple(responses))

    def grade_attempt(
        self, attempt: AttemptRecord, responses: Sequence[tuple[int, Mapping[str, Any]]], **fields: Any
    ) -> AttemptRecord:
        """The responses and the attempt in one statement on MariaDB and PostgreSQL (``django_orm_grading``)."""
        check_fields(fields, ATTEMPT_FIELDS)
        graded = apply_grades(attempt, responses)
        names = set(responses[0][1]) if responses else set()
        if any(set(values) != names for _id, values in responses):  # uneven updates: one by one, then the attempt
            return super().grade_attempt(attempt, responses, **fields)
        values = dict(fields)
        if "state" in fields:
            values["in_progress"] = True if fields["state"] == Attempt.IN_PROGRESS else None
        grading.write_grading(attempt.id, responses, values)
        return replace(attempt, **fields, responses=graded)

    def update_attempt(self, attempt_id: int, **fields: Any) -> AttemptRecord:
        check_fields(fields, ATTEMPT_FIELDS)
        row = Attempt.objects.filter(pk=attempt_id).first()
        if row is None:
            raise NotFoundError(f"No attempt {attempt_id}.")
        for name, value in fields.items():
            setattr(row, name, value)
        names = [*fields, "modified"]
        if "state" in fields:
            row.in_progress = True if fields["state"] == Attempt.IN_PROGRESS else None
            names.append("in_progress")
        row.save(update_fields=names)
        return self._with_responses(row)

    def expired_attempt_ids(self, now: datetime, *, limit: int = 500) -> list[int]:
        rows = Attempt.objects.filter(in_progress=True, deadline__lt=now).order_by("deadline", "pk")
        return list(rows.values_list("pk", flat=True)[:limit])

    def seen_questions(self, user_id: int, assessment_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(assessment_ids)
        if not ids:
            return {}
        rows = Response.objects.filter(attempt__user_id=user_id, attempt__assessment_id__in=ids)
        seen: dict[int, datetime] = {}
        for question_id, shown in rows.values_list("question_id", "attempt__started_at"):
            if question_id not in seen or shown > seen[question_id]:
                seen[question_id] = shown
        return seen

    def attempt_access(self, attempt_id: int) -> AccessRecord | None:
        rows = _ACCESS.rows(attempt_id=attempt_id)
        if not rows:
            return None
        head = len(_ACCESS_HEAD)
        assessment_id, user_id, deadline = rows[0][:3]
        versions, nodes = [], {}
        for row in rows:
            if row[head] is None:  # an attempt without responses (the outer join's one row)
                continue
            version, node = _RESPONSE_VERSION.take(row, head)
            versions.append(version)
            if node is not None:
                nodes[version.question_id] = node
        return AccessRecord(
            attempt_id=attempt_id,
            assessment_id=assessment_id,
            user_id=user_id,
            deadline=deadline,
            assessment=assessment_from_values(rows[0][3:head]),
            versions=tuple(versions),
            nodes=nodes,
        )

    def graded_responses(self, course_key: CourseKey, user_ids: Sequence[int] | None = None) -> list[GradedResponse]:
        rows = Response.objects.filter(
            attempt__assessment__course_key=course_key,
            attempt__state=Attempt.GRADED,
            score__isnull=False,
            points__gt=0,  # worth no points (an ungraded essay): no mastery evidence, as live grading skips it
        )
        if user_ids is not None:
            rows = rows.filter(attempt__user_id__in=list(user_ids))
        values = rows.order_by("attempt__graded_at", "attempt_id", "position").values_list(
            "id", "attempt__user_id", "question_id", "correct", "score", "attempt__graded_at"
        )
        return [
            GradedResponse(
                id=response_id, user_id=user_id, question_id=question_id, correct=correct, score=score, graded_at=at
            )
            for response_id, user_id, question_id, correct, score, at in values
        ]

    def queue_reports(self, assessment_id: int, now: datetime) -> int:
        return reports.queue_reports(assessment_id, now)

    def due_reports(
        self, now: datetime, *, assessment_id: int | None = None, user_id: int | None = None, limit: int
    ) -> list[DueReport]:
        return reports.due_reports(now, assessment_id=assessment_id, user_id=user_id, limit=limit)

    def clear_reports(self, attempt_ids: Sequence[int]) -> None:
        reports.clear_reports(attempt_ids)

    def defer_reports(self, attempt_ids: Sequence[int], *, tries: int, due_at: datetime, error: str) -> None:
        reports.defer_reports(attempt_ids, tries=tries, due_at=due_at, error=error)

    def report_status(self, assessment_id: int) -> ReportStatus:
        return reports.report_status(assessment_id)

    def export_attempt_rows(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = exports.EXPORT_BATCH
    ) -> Iterator[list[AttemptRow]]:
        return exports.attempt_pages(assessment_ids, where, batch=batch)

    def export_response_rows(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = exports.EXPORT_BATCH
    ) -> Iterator[list[ResponseRow]]:
        return exports.response_pages(assessment_ids, where, batch=batch)

    def count_export(self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED) -> tuple[int, int]:
        return exports.count_export(assessment_ids, where)

    def version_sums(self, assessment_id: int, choice: str) -> list[VersionSums]:
        return stats.version_sums(assessment_id, choice)

    def attempt_sums(self, assessment_id: int, choice: str) -> AttemptSums:
        return stats.attempt_sums(assessment_id, choice)

    def answer_tallies(self, assessment_id: int, choice: str, version_ids: Sequence[int]) -> list[AnswerTally]:
        return stats.answer_tallies(assessment_id, choice, version_ids)

    def graded_attempt_users(self, assessment_id: int) -> dict[int, int]:
        return stats.graded_attempt_users(assessment_id)

    def with_graded_attempts(self, assessment_ids: Sequence[int]) -> list[int]:
        return stats.with_graded_attempts(assessment_ids)

    def assessments_with_question(self, question_id: int) -> list[int]:
        return stats.assessments_with_question(question_id)

    def users_with_attempts(self, assessment_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, set[int]]:
        return stats.users_with_attempts(assessment_ids, user_ids)

    def course_attempts(self, assessment_ids: Sequence[int], *, after_id: int, limit: int) -> list[AttemptRecord]:
        return _course_attempts(assessment_ids, after_id=after_id, limit=limit)

    def put_attempts(self, attempts: Sequence[AttemptRecord]) -> int:
        return _put_attempts(attempts)

    def max_attempt_id(self, assessment_ids: Sequence[int]) -> int:
        return _max_attempt_id(assessment_ids)

    def regrade_count(self, version_ids: Sequence[int], *, after_id: int = 0) -> int:
        return regrade.regrade_count(version_ids, after_id=after_id)

    def regrade_rows(
        self, version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
    ) -> list[RegradeRow]:
        return regrade.regrade_rows(version_ids, after_id=after_id, limit=limit, decoded=decoded)

    def write_regrades(self, grades: Iterable[NewGrade]) -> int:
        return regrade.write_regrades(grades)

    def response_scores(self, attempt_ids: Iterable[int]) -> list[ResponseScore]:
        return regrade.response_scores(attempt_ids)

    def attempt_owners(self, attempt_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        return regrade.attempt_owners(attempt_ids)

    def write_attempt_totals(self, totals: Iterable[AttemptTotalsUpdate]) -> int:
        return regrade.write_attempt_totals(totals)

    def retire_learner(self, user_id: int) -> tuple[int, int]:
        attempts = Attempt.objects.filter(user_id=user_id)
        dropped = attempts.filter(report_due_at__isnull=False).update(
            report_due_at=None, report_tries=0, report_error=""
        )
        return attempts.count(), dropped


def _course_attempts(assessment_ids: Sequence[int], *, after_id: int, limit: int) -> list[AttemptRecord]:
    rows = (
        Attempt.objects.filter(assessment_id__in=list(assessment_ids), pk__gt=after_id)
        .order_by("pk")
        .prefetch_related("responses")[:limit]
    )
    return [_attempt(row, sorted(row.responses.all(), key=lambda item: item.position)) for row in rows]


def _put_attempts(attempts: Sequence[AttemptRecord]) -> int:
    """Delete-free upsert keeping ids: existing rows are updated, missing ones inserted; sequences moved past them."""
    from django.core.management.color import no_style
    from django.db import connection

    if not attempts:
        return 0
    with transaction.atomic():
        existing = set(Attempt.objects.filter(pk__in=[item.id for item in attempts]).values_list("pk", flat=True))
        for item in attempts:
            values = {name: getattr(item, name) for name in _ATTEMPT_COLUMNS if name != "id"}
            values["in_progress"] = True if item.state == Attempt.IN_PROGRESS else None
            if item.id in existing:
                Attempt.objects.filter(pk=item.id).update(**values)
            else:
                Attempt.objects.create(pk=item.id, **values)
            for response in item.responses:
                fields = {name: getattr(response, name) for name in _RESPONSE_COLUMNS if name not in ("id",)}
                Response.objects.update_or_create(pk=response.id, defaults=fields)
        statements = connection.ops.sequence_reset_sql(no_style(), [Attempt, Response])
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return len(attempts)


def _max_attempt_id(assessment_ids: Sequence[int]) -> int:
    found = Attempt.objects.filter(assessment_id__in=list(assessment_ids)).aggregate(Max("pk"))
    return int(found["pk__max"] or 0)
