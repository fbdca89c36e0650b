"""
The ORM backend's aggregate reads for item analysis (``AttemptRepository.version_sums`` and the rest).

TLDR: the database returns sums, never every response: one grouped query per read. Which attempts count (first,
last, best or all of each learner's graded attempts) is one window function over the assessment's graded attempts
(``ROW_NUMBER() OVER (PARTITION BY user ORDER BY ...)``: MariaDB 10.2+, PostgreSQL, SQLite 3.25+), read once per
query rather than a correlated subquery per attempt. Moved here from ``analytics/store.py`` (ADR 0028) so that item
analysis reads attempts through the repository on every backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from ..data_stats import AnswerTally, AttemptSums, VersionSums
from ..models import Attempt, Response

__all__ = [
    "answer_tallies",
    "assessments_with_question",
    "attempt_sums",
    "graded_attempt_users",
    "selected_attempts",
    "users_with_attempts",
    "version_sums",
    "with_graded_attempts",
]

_ORDER = {
    "first": (F("number").asc(),),
    "last": (F("number").desc(),),
    "best": (F("score").desc(), F("number").asc()),
}
_ZERO = Value(0.0, output_field=FloatField())
# Float sums are not exact: a fraction of 0.7 may be stored as 0.69999...; bins start a hair lower.
_BIN_SLACK = 1e-9


def selected_attempts(assessment_id: int, choice: str) -> QuerySet[Attempt]:
    """The graded attempts that count: all, or one per learner (first, last, or best then earliest)."""
    graded = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED)
    if choice == "all":
        return graded
    ranked = graded.annotate(
        rank=Window(RowNumber(), partition_by=[F("user_id")], order_by=list(_ORDER[choice]))
    ).filter(rank=1)
    return graded.filter(pk__in=ranked.values("pk"))


def _seconds(total: Any) -> float:
    """A summed duration as seconds (a timedelta from every backend Django supports, None on no rows)."""
    return total.total_seconds() if total is not None else 0.0


def _duration(prefix: str = "") -> ExpressionWrapper:
    return ExpressionWrapper(F(f"{prefix}submitted_at") - F(f"{prefix}started_at"), output_field=DurationField())


def version_sums(assessment_id: int, choice: str) -> list[VersionSums]:
    """One ``VersionSums`` per question version answered in the counted attempts (one grouped query)."""
    x = Coalesce(F("score"), _ZERO)
    y = ExpressionWrapper(x * F("points"), output_field=FloatField())
    t = Coalesce(F("attempt__earned"), _ZERO)
    right = Q(correct=True)
    rows = (
        Response.objects.filter(attempt__in=selected_attempts(assessment_id, choice))
        .values("question_id", "question_version_id")
        .annotate(
            n=Count("id"),
            max_points=Max("points"),
            sx=Sum(x),
            sy=Sum(y),
            syy=Sum(ExpressionWrapper(y * y, output_field=FloatField())),
            syt=Sum(ExpressionWrapper(y * t, output_field=FloatField())),
            st=Sum(t),
            stt=Sum(ExpressionWrapper(t * t, output_field=FloatField())),
            sc=Sum(Case(When(right, then=Value(1.0)), default=_ZERO, output_field=FloatField())),
            sct=Sum(Case(When(right, then=t), default=_ZERO, output_field=FloatField())),
            time_n=Count("attempt__submitted_at"),
            time_sum=Sum(_duration("attempt__")),
        )
        .order_by("question_id", "question_version_id")
    )
    return [
        VersionSums(
            question_id=row["question_id"],
            version_id=row["question_version_id"],
            points=float(row["max_points"] or 0.0),
            n=row["n"],
            sx=float(row["sx"] or 0.0),
            sy=float(row["sy"] or 0.0),
            syy=float(row["syy"] or 0.0),
            syt=float(row["syt"] or 0.0),
            st=float(row["st"] or 0.0),
            stt=float(row["stt"] or 0.0),
            sc=float(row["sc"] or 0.0),
            sct=float(row["sct"] or 0.0),
            time_n=row["time_n"],
            time_sum=_seconds(row["time_sum"]),
        )
        for row in rows
    ]


def attempt_sums(assessment_id: int, choice: str) -> AttemptSums:
    """The counted attempts' totals, their number right, duration, score bins and partial credits (three queries)."""
    attempts = selected_attempts(assessment_id, choice)
    t = Coalesce(F("earned"), _ZERO)
    bins = {
        f"bin{i}": Count(
            "id",
            filter=Q(**{"score__gte": i / 10 - _BIN_SLACK})
            & (Q(score__lt=(i + 1) / 10 - _BIN_SLACK) if i < 9 else Q()),
        )
        for i in range(10)
    }
    totals = attempts.aggregate(
        n=Count("id"),
        st=Sum(t),
        stt=Sum(ExpressionWrapper(t * t, output_field=FloatField())),
        possible=Max("possible"),
        time_n=Count("submitted_at"),
        time_sum=Sum(_duration()),
        below=Count("id", filter=Q(score__lt=-_BIN_SLACK) | Q(score__isnull=True)),
        **bins,
    )
    number_right = Subquery(
        Response.objects.filter(attempt_id=OuterRef("pk"))
        .values("attempt_id")
        .annotate(u=Sum(Coalesce(F("score"), _ZERO)))
        .values("u"),
        output_field=FloatField(),
    )
    right = attempts.annotate(u=Coalesce(number_right, _ZERO)).aggregate(
        su=Sum("u"), suu=Sum(ExpressionWrapper(F("u") * F("u"), output_field=FloatField()))
    )
    partial = Response.objects.filter(attempt__in=attempts, score__isnull=False).exclude(score__in=[0.0, 1.0]).count()
    counted = [totals[f"bin{i}"] for i in range(10)]
    counted[0] += totals["below"]
    return AttemptSums(
        n=totals["n"],
        st=float(totals["st"] or 0.0),
        stt=float(totals["stt"] or 0.0),
        su=float(right["su"] or 0.0),
        suu=float(right["suu"] or 0.0),
        possible=float(totals["possible"] or 0.0),
        time_n=totals["time_n"],
        time_sum=_seconds(totals["time_sum"]),
        partial=partial,
        bins=tuple(counted),
    )


def answer_tallies(assessment_id: int, choice: str, version_ids: Sequence[int]) -> list[AnswerTally]:
    """The versions' distinct answers in the counted attempts, how many gave each and their totals summed."""
    if not version_ids:
        return []
    t = Coalesce(F("attempt__earned"), _ZERO)
    rows = (
        Response.objects.filter(
            attempt__in=selected_attempts(assessment_id, choice), question_version_id__in=list(version_ids)
        )
        .values("question_version_id", "answer")
        .annotate(count=Count("id"), st=Sum(t))
        .order_by()
    )
    return [
        AnswerTally(version_id=row["question_version_id"], answer=row["answer"], count=row["count"],
                    total=float(row["st"] or 0.0))
        for row in rows
    ]  # fmt: skip


def graded_attempt_users(assessment_id: int) -> dict[int, int]:
    """``{attempt id: user id}`` of the assessment's graded attempts."""
    rows = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED).values_list("id", "user_id")
    return dict(rows.iterator(chunk_size=5000))


def with_graded_attempts(assessment_ids: Iterable[int]) -> list[int]:
    """Those of ``assessment_ids`` with at least one graded attempt, in the order given."""
    return [aid for aid in assessment_ids if Attempt.objects.filter(assessment_id=aid, state=Attempt.GRADED).exists()]


def assessments_with_question(question_id: int) -> list[int]:
    """Assessments with graded responses to the question (whose summaries a regrade of it changes)."""
    return sorted(
        set(
            Response.objects.filter(question_id=question_id, attempt__state=Attempt.GRADED)
            .values_list("attempt__assessment_id", flat=True)
            .distinct()
        )
    )


def users_with_attempts(assessment_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, set[int]]:
    """Per assessment, which of ``user_ids`` have an attempt of it (any state); one query per 500 learners."""
    found: dict[int, set[int]] = {assessment_id: set() for assessment_id in assessment_ids}
    for start in range(0, len(user_ids), 500):
        rows = (
            Attempt.objects.filter(assessment_id__in=list(assessment_ids), user_id__in=user_ids[start : start + 500])
            .values_list("assessment_id", "user_id")
            .distinct()
        )
        for assessment_id, user_id in rows:
            found[assessment_id].add(user_id)
    return found
