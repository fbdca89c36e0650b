"""
The analytics applet's one door to its own tables: the item statistics summaries, export jobs.

TLDR: analytics is a read model. Attempts and responses are read through the attempt repository
(``assessments.api.get_repository()``: the sums item analysis needs are computed by the database there, on the ORM
or MongoDB; ADR 0028); this module keeps what analytics stores itself (summary rows, export jobs) and the one
lookup of learners by username. ADR 0018 says why the statistics are sums.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from ve_edu_vault.analytics.data import AssessmentSums, AttemptChoice, ExportJobData, ItemSums
from ve_edu_vault.analytics.models import AssessmentSummary, ExportJob, ItemSummary, SummarisedAttempt
from ve_edu_vault.assessments import api as assessments

__all__ = [
    "AttemptFacts",
    "apply_to_items",
    "apply_to_summary",
    "assessments_with_question",
    "create_export_job",
    "get_export_job",
    "list_export_jobs",
    "lock_summaries",
    "mark_all_summarised",
    "mark_summarised",
    "read_summaries",
    "summaries_exist",
    "summarised_attempt_ids",
    "summarised_ids",
    "summary_stamp",
    "update_export_job",
    "usernames_with_attempts",
    "write_summaries",
]


def usernames_with_attempts(assessment_ids: list[int], usernames: list[str]) -> dict[int, set[str]]:
    """Per assessment, which of ``usernames`` have an attempt of it (any state)."""
    ids: dict[int, str] = {}
    for start in range(0, len(usernames), 500):
        chunk = usernames[start : start + 500]
        ids.update(get_user_model().objects.filter(username__in=chunk).values_list("id", "username"))
    found = assessments.get_repository().users_with_attempts(assessment_ids, sorted(ids))
    return {aid: {ids[uid] for uid in found.get(aid, set()) if uid in ids} for aid in assessment_ids}


def assessments_with_question(question_id: int) -> list[int]:
    """Assessments with graded responses to the question (whose summaries a regrade of it changes)."""
    return assessments.get_repository().assessments_with_question(question_id)


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


def summarised_ids(assessment_id: int, user_id: int, *, excluding: int) -> set[int]:
    """The ids of the learner's attempts already in the summaries (but ``excluding``)."""
    rows = SummarisedAttempt.objects.filter(assessment_id=assessment_id, user_id=user_id).exclude(attempt_id=excluding)
    return set(rows.values_list("attempt_id", flat=True))


def summarised_attempt_ids(assessment_id: int) -> set[int]:
    """The ids of the assessment's attempts already in its summaries."""
    return set(SummarisedAttempt.objects.filter(assessment_id=assessment_id).values_list("attempt_id", flat=True))


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


def mark_all_summarised(assessment_id: int, graded: Mapping[int, int]) -> None:
    """Every graded attempt of the assessment (``{attempt id: user id}``) is in the summaries (after a rebuild)."""
    SummarisedAttempt.objects.filter(assessment_id=assessment_id).delete()
    SummarisedAttempt.objects.bulk_create(
        (SummarisedAttempt(attempt_id=aid, assessment_id=assessment_id, user_id=uid) for aid, uid in graded.items()),
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
