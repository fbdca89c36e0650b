"""
The analytics applet's one door to the database: aggregations over attempts and responses.

TLDR: analytics is a read model. It reads the assessments applet's attempt and response tables here, and only
here, by aggregation (the database returns sums, never every response), and returns ``data`` values. Which
attempts count (first, last, best or all of each learner's graded attempts) is one correlated subquery on the
(assessment, user, number) unique index. See ADR 0018 for why analytics reads these tables itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
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

from ve_edu_vault.analytics.data import AssessmentSums, AttemptChoice, ExportJobData, ItemSums
from ve_edu_vault.analytics.models import AssessmentSummary, ExportJob, ItemSummary, SummarisedAttempt
from ve_edu_vault.assessments.models import Attempt, Response

__all__ = [
    "ATTEMPT_FIELDS",
    "RESPONSE_FIELDS",
    "assessment_sums",
    "attempt_pages",
    "choice_answer_counts",
    "count_attempts",
    "count_responses",
    "create_export_job",
    "get_export_job",
    "graded_assessment_ids",
    "item_sums",
    "list_export_jobs",
    "response_pages",
    "selected_attempts",
    "update_export_job",
]

_ORDER = {
    AttemptChoice.FIRST: ("number",),
    AttemptChoice.LAST: ("-number",),
    AttemptChoice.BEST: ("-score", "number"),
}
_ZERO = Value(0.0, output_field=FloatField())
# Float sums are not exact: a fraction of 0.7 may be stored as 0.69999...; bins start a hair lower.
_BIN_SLACK = 1e-9


def usernames_with_attempts(assessment_ids: list[int], usernames: list[str]) -> dict[int, set[str]]:
    """Per assessment, which of ``usernames`` have an attempt of it (any state); one query per 500 names."""
    found: dict[int, set[str]] = {assessment_id: set() for assessment_id in assessment_ids}
    for start in range(0, len(usernames), 500):
        rows = (
            Attempt.objects.filter(assessment_id__in=assessment_ids, user__username__in=usernames[start : start + 500])
            .values_list("assessment_id", "user__username")
            .distinct()
        )
        for assessment_id, username in rows:
            found[assessment_id].add(username)
    return found


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


#: Rows read per query by the export iterators (keyset pagination on the primary key).
EXPORT_BATCH = 1000  # under MariaDB's in_predicate_conversion_threshold (1000)

ATTEMPT_FIELDS = (
    "id",
    "assessment_id",
    "user_id",
    "number",
    "state",
    "started_at",
    "submitted_at",
    "graded_at",
    "earned",
    "possible",
    "score",
    "passed",
    "submit_reason",
)
RESPONSE_FIELDS = (
    "id",
    "attempt_id",
    "attempt__assessment_id",
    "attempt__user_id",
    "question_id",
    "question_version_id",
    "position",
    "score",
    "points",
    "correct",
    "tries_used",
    "hints_shown",
    "attempt__submitted_at",
    "graded_at",
)


def _export_attempts(assessment_id: int, since: Any, until: Any, choice: AttemptChoice | None) -> QuerySet[Attempt]:
    """Finished attempts of one assessment submitted in [since, until); one per learner if asked."""
    if choice is None or choice is AttemptChoice.ALL:
        attempts = Attempt.objects.filter(assessment_id=assessment_id).exclude(state=Attempt.IN_PROGRESS)
    else:
        attempts = selected_attempts(assessment_id, choice)
    if since is not None:
        attempts = attempts.filter(submitted_at__gte=since)
    if until is not None:
        attempts = attempts.filter(submitted_at__lt=until)
    return attempts


def _raw(sql: str, params: Any) -> list[tuple[Any, ...]]:
    """Rows of one query through a plain cursor: the export's fast path (no per-value converters of the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _normalise(
    rows: list[tuple[Any, ...]], dates: tuple[int, ...] = (), bools: tuple[int, ...] = ()
) -> list[tuple[Any, ...]]:
    """
    Raw values as the ORM would give them, where the backends differ: SQLite gives date-times as text (parsed
    here), MariaDB/MySQL and SQLite booleans as 1/0 (made booleans). MariaDB's naive date-times (UTC, as Django
    stores them with ``USE_TZ``) and PostgreSQL's aware ones are left as they are (``exports`` writes naive ones as
    UTC).
    """
    vendor = connection.vendor
    columns = dates + bools if vendor == "sqlite" else bools if vendor == "mysql" else ()
    if not columns or not rows:
        return rows
    fixed = []
    for row in rows:
        values = list(row)
        for index in columns:
            value = values[index]
            if isinstance(value, int) and not isinstance(value, bool):
                values[index] = bool(value)
            elif isinstance(value, str):
                values[index] = datetime.fromisoformat(value)
        fixed.append(tuple(values))
    return fixed


def _attempt_page_queries(
    assessment_ids: list[int], fields: tuple[str, ...], since: Any, until: Any, choice: AttemptChoice | None, batch: int
) -> Iterator[tuple[Any, ...]]:
    """Per assessment, the keyset page query (``id > last ORDER BY id LIMIT batch``) as (assessment, SQL, params)."""
    for assessment_id in assessment_ids:
        query = _export_attempts(assessment_id, since, until, choice).filter(pk__gt=_MARK).order_by("pk")
        sql, params = query.values_list(*fields)[:batch].query.sql_with_params()
        yield assessment_id, sql, params


def _keyset_pages(
    sql: str, params: tuple[Any, ...], batch: int, dates: tuple[int, ...], bools: tuple[int, ...] = ()
) -> Iterator[list[tuple[Any, ...]]]:
    """Pages of a compiled ``pk > MARK ... LIMIT batch`` query, the mark replaced by the last id of the page before."""
    values = list(params)
    index = values.index(_MARK)
    values[index] = 0
    while True:
        page = _normalise(_raw(sql, values), dates, bools)
        if page:
            yield page
        if len(page) < batch:
            return
        values[index] = page[-1][0]


def attempt_pages(
    assessment_ids: list[int],
    *,
    since: Any = None,
    until: Any = None,
    choice: AttemptChoice | None = None,
    batch: int = EXPORT_BATCH,
) -> Iterator[list[tuple[Any, ...]]]:
    """
    Pages of attempt rows (``ATTEMPT_FIELDS``), assessment by assessment in id order, constant memory whatever the
    size: each page is ``assessment_id = A AND id > last ORDER BY id LIMIT batch``, a range of the (assessment,
    user, number) index's prefix and the primary key, so no page sorts or skips the rows before it.
    """
    for _aid, sql, params in _attempt_page_queries(assessment_ids, ATTEMPT_FIELDS, since, until, choice, batch):
        yield from _keyset_pages(sql, params, batch, (5, 6, 7), (11,))


_MARK = -7_340_211  # a pk bound no other parameter can equal, found in the compiled query's parameters
_RESPONSE_SQL = (
    "SELECT id, attempt_id, question_id, question_version_id, position, score, points, correct, tries_used, "
    "hints_shown, graded_at FROM {table} WHERE attempt_id IN ({marks}) ORDER BY attempt_id, position"
)


def response_pages(
    assessment_ids: list[int],
    *,
    since: Any = None,
    until: Any = None,
    choice: AttemptChoice | None = None,
    batch: int = EXPORT_BATCH,
) -> Iterator[list[tuple[Any, ...]]]:
    """
    Pages of response rows (``RESPONSE_FIELDS``) of the exported attempts, ordered by attempt and position: a page
    of attempts (as ``attempt_pages``, only the columns a response row needs), then their responses through the
    (attempt, position) unique index, from the response table alone. Joined to the few question versions, MariaDB
    drove the query from those and sorted every response of each version for each page; the caller maps version
    ids to numbers. Both queries are compiled once and run on a plain cursor (the ORM's per-value converters and
    per-page query building were most of the time).
    """
    fields = ("id", "assessment_id", "user_id", "submitted_at")
    table = connection.ops.quote_name(Response._meta.db_table)
    for _aid, sql, params in _attempt_page_queries(assessment_ids, fields, since, until, choice, batch):
        for attempts in _keyset_pages(sql, params, batch, (3,)):
            by_id = {row[0]: row for row in attempts}
            marks = ", ".join(["%s"] * len(by_id))
            responses = _normalise(_raw(_RESPONSE_SQL.format(table=table, marks=marks), list(by_id)), (10,), (7,))
            page = []
            for rid, aid, qid, vid, position, score, points, correct, tries, hints, graded in responses:
                attempt = by_id[aid]
                page.append(
                    (rid, aid, attempt[1], attempt[2], qid, vid, position, score, points, correct, tries, hints,
                     attempt[3], graded)
                )  # fmt: skip
            if page:
                yield page


def count_attempts(assessment_ids: list[int], **filters: Any) -> int:
    """How many attempts ``attempt_pages`` will yield (for a progress bar)."""
    return sum(
        _export_attempts(aid, filters.get("since"), filters.get("until"), filters.get("choice")).count()
        for aid in assessment_ids
    )


def count_responses(assessment_ids: list[int], **filters: Any) -> int:
    """How many rows ``response_pages`` will yield (for a progress bar)."""
    return sum(
        Response.objects.filter(
            attempt__in=_export_attempts(aid, filters.get("since"), filters.get("until"), filters.get("choice"))
        ).count()
        for aid in assessment_ids
    )


def graded_assessment_ids(assessment_ids: list[int]) -> list[int]:
    """Those of ``assessment_ids`` with at least one graded attempt."""
    return [aid for aid in assessment_ids if Attempt.objects.filter(assessment_id=aid, state=Attempt.GRADED).exists()]


def _job(row: ExportJob) -> ExportJobData:
    return ExportJobData(
        id=row.pk,
        course_key=str(row.course_key),
        kind=row.kind,
        format=row.format,
        filters=dict(row.filters or {}),
        status=row.status,
        storage_name=row.storage_name,
        rows=row.rows,
        size=row.size,
        error=row.error,
        requested_by_id=row.requested_by_id,
        created=row.created,
        finished=row.finished,
    )


def create_export_job(
    *, course_key: Any, kind: str, fmt: str, filters: dict[str, Any], requested_by_id: int | None
) -> ExportJobData:
    row = ExportJob.objects.create(
        course_key=course_key, kind=kind, format=fmt, filters=filters, requested_by_id=requested_by_id
    )
    return _job(row)


def get_export_job(job_id: int) -> ExportJobData | None:
    row = ExportJob.objects.filter(pk=job_id).first()
    return _job(row) if row else None


def list_export_jobs(course_key: Any, *, limit: int = 50) -> list[ExportJobData]:
    return [_job(row) for row in ExportJob.objects.filter(course_key=course_key).order_by("-created", "-pk")[:limit]]


def update_export_job(job_id: int, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


# Summary tables: the sums of ``item_sums``/``assessment_sums``, kept up to date one graded attempt at a time.

_ITEM_SUMS = ("n", "sx", "sy", "syy", "syt", "st", "stt", "sc", "sct", "time_n", "time_sum")
_TEST_SUMS = ("n", "st", "stt", "su", "suu", "time_n", "time_sum", "partial")


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptFacts:
    """What one graded attempt adds to the summaries: its totals and its responses."""

    id: int
    assessment_id: int
    user_id: int
    number: int
    score: float
    earned: float
    possible: float
    seconds: float | None
    # (question id, version id, fraction, points, correct, answer)
    responses: tuple[tuple[int, int, float, float, bool, Any], ...]


def attempt_facts(attempt_id: int) -> AttemptFacts | None:
    """The attempt's facts if it is graded, else None."""
    row = (
        Attempt.objects.filter(pk=attempt_id, state=Attempt.GRADED)
        .values_list(
            "id", "assessment_id", "user_id", "number", "score", "earned", "possible", "started_at", "submitted_at"
        )
        .first()
    )
    if row is None:
        return None
    aid, assessment_id, user_id, number, score, earned, possible, started, submitted = row
    responses = tuple(
        (qid, vid, float(score or 0.0), float(points or 0.0), bool(correct), answer)
        for qid, vid, score, points, correct, answer in Response.objects.filter(attempt_id=aid)
        .order_by("position")
        .values_list("question_id", "question_version_id", "score", "points", "correct", "answer")
    )
    return AttemptFacts(
        id=aid,
        assessment_id=assessment_id,
        user_id=user_id,
        number=number,
        score=float(score or 0.0),
        earned=float(earned or 0.0),
        possible=float(possible or 0.0),
        seconds=(submitted - started).total_seconds() if submitted and started else None,
        responses=responses,
    )


def summaries_exist(assessment_id: int) -> bool:
    return AssessmentSummary.objects.filter(assessment_id=assessment_id).exists()


def lock_summaries(assessment_id: int) -> dict[str, AssessmentSummary]:
    """The assessment's summary rows, locked until the transaction ends (updates of one assessment queue here)."""
    return {
        row.choice: row
        for row in AssessmentSummary.objects.select_for_update().filter(assessment_id=assessment_id).order_by("pk")
    }


def mark_summarised(facts: AttemptFacts) -> bool:
    """Record that the attempt is in the summaries; False when it already was (nothing to do)."""
    _, created = SummarisedAttempt.objects.get_or_create(
        attempt_id=facts.id, defaults={"assessment_id": facts.assessment_id, "user_id": facts.user_id}
    )
    return created


def summarised_attempts(assessment_id: int, user_id: int, *, excluding: int) -> list[tuple[int, int, float]]:
    """``(attempt id, number, score)`` of the learner's graded attempts already in the summaries."""
    ids = SummarisedAttempt.objects.filter(assessment_id=assessment_id, user_id=user_id).exclude(attempt_id=excluding)
    return [
        (aid, number, float(score or 0.0))
        for aid, number, score in Attempt.objects.filter(
            pk__in=list(ids.values_list("attempt_id", flat=True)), state=Attempt.GRADED
        ).values_list("id", "number", "score")
    ]


def apply_to_summary(row: AssessmentSummary, facts: AttemptFacts, sign: int, bin_index: int, partial: int) -> None:
    """Add (sign 1) or take away (sign -1) an attempt's totals on a locked assessment summary row."""
    u = sum(response[2] for response in facts.responses)
    row.n += sign
    row.st += sign * facts.earned
    row.stt += sign * facts.earned * facts.earned
    row.su += sign * u
    row.suu += sign * u * u
    if facts.seconds is not None:
        row.time_n += sign
        row.time_sum += sign * facts.seconds
    row.partial += sign * partial
    row.possible = max(row.possible, facts.possible)
    bins = list(row.bins or [0] * 10)
    bins[bin_index] += sign
    row.bins = bins
    row.save()


def apply_to_items(
    assessment_id: int, choice: str, facts: AttemptFacts, sign: int, picks: dict[int, list[str]]
) -> None:
    """Add or take away an attempt's responses on the item summary rows of its versions (``picks``: choice keys)."""
    versions = [response[1] for response in facts.responses]
    rows = {
        row.version_id: row
        for row in ItemSummary.objects.select_for_update().filter(
            assessment_id=assessment_id, choice=choice, version_id__in=versions
        )
    }
    t = facts.earned
    for qid, vid, x, points, correct, _answer in facts.responses:
        row = rows.get(vid)
        if row is None:
            row = rows[vid] = ItemSummary(
                assessment_id=assessment_id, choice=choice, question_id=qid, version_id=vid, choices={}
            )
        y = x * points
        c = 1.0 if correct else 0.0
        row.points = max(row.points, points)
        row.n += sign
        row.sx += sign * x
        row.sy += sign * y
        row.syy += sign * y * y
        row.syt += sign * y * t
        row.st += sign * t
        row.stt += sign * t * t
        row.sc += sign * c
        row.sct += sign * c * t
        if facts.seconds is not None:
            row.time_n += sign
            row.time_sum += sign * facts.seconds
        tallies = dict(row.choices or {})
        for key in picks.get(vid, []):
            count, total = tallies.get(key, [0, 0.0])
            tallies[key] = [count + sign, total + sign * t]
        row.choices = tallies
        row.save()


def write_summaries(
    assessment_id: int,
    choice: str,
    test: AssessmentSums,
    items: list[ItemSums],
    tallies: dict[int, dict[str, list[float]]],
    partial: int,
) -> None:
    """Replace the assessment's summary rows of one choice (a full rebuild)."""
    AssessmentSummary.objects.filter(assessment_id=assessment_id, choice=choice).delete()
    ItemSummary.objects.filter(assessment_id=assessment_id, choice=choice).delete()
    AssessmentSummary.objects.create(
        assessment_id=assessment_id,
        choice=choice,
        possible=test.possible,
        bins=list(test.bins),
        partial=partial,
        **{name: getattr(test, name) for name in _TEST_SUMS if name != "partial"},
    )
    ItemSummary.objects.bulk_create(
        ItemSummary(
            assessment_id=assessment_id,
            choice=choice,
            question_id=item.question_id,
            version_id=item.version_id or 0,
            points=item.points,
            choices=tallies.get(item.version_id or 0, {}),
            **{name: getattr(item, name) for name in _ITEM_SUMS},
        )
        for item in items
    )


def count_partial(assessment_id: int, choice: AttemptChoice) -> int:
    return (
        Response.objects.filter(attempt__in=selected_attempts(assessment_id, choice), score__isnull=False)
        .exclude(score__in=[0.0, 1.0])
        .count()
    )


def mark_all_summarised(assessment_id: int) -> None:
    """Every graded attempt of the assessment is in the summaries (after a rebuild)."""
    SummarisedAttempt.objects.filter(assessment_id=assessment_id).delete()
    rows = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED).values_list("id", "user_id")
    SummarisedAttempt.objects.bulk_create(
        (SummarisedAttempt(attempt_id=aid, assessment_id=assessment_id, user_id=uid) for aid, uid in rows.iterator()),
        batch_size=2000,
    )


def summary_stamp(assessment_id: int, choice: AttemptChoice) -> str | None:
    """What changes whenever the choice's summaries change (row id, modification time, count); None before a build."""
    row = (
        AssessmentSummary.objects.filter(assessment_id=assessment_id, choice=str(choice))
        .values_list("pk", "modified", "n")
        .first()
    )
    return None if row is None else f"{row[0]}:{row[1].timestamp():.6f}:{row[2]}"


def read_summaries(
    assessment_id: int, choice: AttemptChoice
) -> tuple[AssessmentSums, list[ItemSums], dict[int, dict[str, list[float]]]] | None:
    """The stored sums of one choice (None before the first build)."""
    test = AssessmentSummary.objects.filter(assessment_id=assessment_id, choice=str(choice)).first()
    if test is None:
        return None
    sums = AssessmentSums(
        n=test.n,
        st=test.st,
        stt=test.stt,
        su=test.su,
        suu=test.suu,
        possible=test.possible,
        time_n=test.time_n,
        time_sum=test.time_sum,
        dichotomous=test.partial <= 0,
        bins=tuple(test.bins or [0] * 10),
    )
    items: list[ItemSums] = []
    tallies: dict[int, dict[str, list[float]]] = {}
    for row in ItemSummary.objects.filter(assessment_id=assessment_id, choice=str(choice)).order_by(
        "question_id", "version_id"
    ):
        if row.n <= 0:
            continue
        items.append(
            ItemSums(
                question_id=row.question_id,
                version_id=row.version_id,
                version=None,
                points=row.points,
                **{name: getattr(row, name) for name in _ITEM_SUMS},
            )
        )
        tallies[row.version_id] = dict(row.choices or {})
    return sums, items, tallies


def assessments_with_question(question_id: int) -> list[int]:
    """Assessments with graded responses to the question (whose summaries a regrade of it changes)."""
    return sorted(
        set(
            Response.objects.filter(question_id=question_id, attempt__state=Attempt.GRADED)
            .values_list("attempt__assessment_id", flat=True)
            .distinct()
        )
    )
