"""
The analytics applet's one door to the database: aggregations over attempts and responses.

TLDR: analytics is a read model. It reads the assessments applet's attempt and response tables here, and only
here, by aggregation (the database returns sums, never every response), and returns ``data`` values. Which
attempts count (first, last, best or all of each learner's graded attempts) is one correlated subquery on the
(assessment, user, number) unique index. See ADR 0018 for why analytics reads these tables itself.
"""

from __future__ import annotations

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
)
from django.db.models.functions import Coalesce

from ve_edu_vault.analytics.data import AssessmentSums, AttemptChoice, ItemSums
from ve_edu_vault.assessments.models import Attempt, Response

__all__ = ["assessment_sums", "choice_answer_counts", "item_sums", "selected_attempts"]

_ORDER = {
    AttemptChoice.FIRST: ("number",),
    AttemptChoice.LAST: ("-number",),
    AttemptChoice.BEST: ("-score", "number"),
}
_ZERO = Value(0.0, output_field=FloatField())
# Float sums are not exact: a fraction of 0.7 may be stored as 0.69999...; bins start a hair lower.
_BIN_SLACK = 1e-9


def selected_attempts(assessment_id: int, choice: AttemptChoice) -> QuerySet[Attempt]:
    """The graded attempts that count: all, or one per learner (first, last, or best then earliest)."""
    graded = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED)
    if choice is AttemptChoice.ALL:
        return graded
    mine = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED, user_id=OuterRef("user_id"))
    return graded.filter(pk=Subquery(mine.order_by(*_ORDER[choice]).values("pk")[:1]))


def _seconds(total: Any) -> float:
    """A summed duration as seconds (a timedelta from every backend Django supports, None on no rows)."""
    return total.total_seconds() if total is not None else 0.0


def _duration(prefix: str = "") -> ExpressionWrapper:
    return ExpressionWrapper(F(f"{prefix}submitted_at") - F(f"{prefix}started_at"), output_field=DurationField())


def item_sums(assessment_id: int, choice: AttemptChoice) -> list[ItemSums]:
    """One ``ItemSums`` per question version answered in the counted attempts (one grouped query)."""
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
        ItemSums(
            question_id=row["question_id"],
            version_id=row["question_version_id"],
            version=None,
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


def assessment_sums(assessment_id: int, choice: AttemptChoice) -> AssessmentSums:
    """The counted attempts' totals, their number right, duration and score distribution (three queries)."""
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
    partial = Response.objects.filter(attempt__in=attempts, score__isnull=False).exclude(score__in=[0.0, 1.0]).exists()
    counted = [totals[f"bin{i}"] for i in range(10)]
    counted[0] += totals["below"]
    return AssessmentSums(
        n=totals["n"],
        st=float(totals["st"] or 0.0),
        stt=float(totals["stt"] or 0.0),
        su=float(right["su"] or 0.0),
        suu=float(right["suu"] or 0.0),
        possible=float(totals["possible"] or 0.0),
        time_n=totals["time_n"],
        time_sum=_seconds(totals["time_sum"]),
        dichotomous=not partial,
        bins=tuple(counted),
    )


def choice_answer_counts(
    assessment_id: int, choice: AttemptChoice, version_ids: list[int]
) -> list[tuple[int, Any, int, float]]:
    """``(version id, answer, how many gave it, their totals summed)`` for the versions' distinct answers."""
    if not version_ids:
        return []
    t = Coalesce(F("attempt__earned"), _ZERO)
    rows = (
        Response.objects.filter(
            attempt__in=selected_attempts(assessment_id, choice), question_version_id__in=version_ids
        )
        .values("question_version_id", "answer")
        .annotate(count=Count("id"), st=Sum(t))
        .order_by()
    )
    return [(row["question_version_id"], row["answer"], row["count"], float(row["st"] or 0.0)) for row in rows]
