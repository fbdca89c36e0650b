"""
Set-based regrading of stored responses with a corrected question version: what the regrade applet calls.

TLDR: public to other applets (``__all__``); the tables stay the assessments applet's. Three steps, each one
function, so a dry run and the real run share every computation and cannot disagree:

1. ``affected_rows``: responses pinned to the given versions in graded attempts, in id order from a cursor.
2. ``new_grades``: the corrected key applied to each answer. The grader runs once per distinct answer (thousands
   of learners type the same few answers), then each response gets its own try and hint penalties.
3. ``apply_grades`` / ``attempt_totals`` / ``apply_attempt_totals``: one UPDATE per group of identical new values
   (``WHERE id IN (...)``), not one save per row; attempt totals are recomputed in Python with ``scoring`` (the
   same ``math.fsum`` as at submission, so a regrade of an unchanged key changes nothing, to the last bit).

Why no filters: ``AnswerGradingStarted`` and ``GradeComputed`` steps receive one learner's context and ran when the
answer was first graded; a regrade applies a corrected key to accepted answers, so it grades without them (an
operator's curve is not re-applied; see docs/decisions/0004-mastery-and-regrade.rst). Why the ORM directly, not the
attempt repository: a bulk regrade is a storage-specific operation; a MongoDB backend would provide its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ve_edu_vault.questions.data import QuestionContent

from . import scoring
from ._context import AssessmentContext, load_context
from ._submit import grade_answer, penalised
from .models import Attempt, Response

__all__ = [
    "AttemptTotals",
    "NewGrade",
    "RegradeRow",
    "affected_count",
    "affected_rows",
    "apply_attempt_totals",
    "apply_grades",
    "attempt_totals",
    "hand_off_grades",
    "learners_of",
    "new_grades",
    "response_table",
    "written",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class RegradeRow:
    """What a regrade reads of one response (and of its attempt)."""

    id: int
    attempt_id: int
    user_id: int
    assessment_id: int
    question_version_id: int
    answer: Any
    tries_used: int
    hints_shown: int
    raw_score: float | None
    score: float | None
    correct: bool | None
    #: The answer's stored text: rows with the same text share one grading.
    answer_key: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class NewGrade:
    response_id: int
    raw_score: float
    score: float
    correct: bool
    feedback: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptTotals:
    attempt_id: int
    assessment_id: int
    user_id: int
    earned: float
    possible: float
    score: float
    passed: bool


_ROW_FIELDS = (
    "id",
    "attempt_id",
    "attempt__user_id",
    "attempt__assessment_id",
    "question_version_id",
    "tries_used",
    "hints_shown",
    "raw_score",
    "score",
    "correct",
    "answer_text",
)


def response_table() -> str:
    """The responses' table, for the regrade applet's set-based audit insert (``INSERT ... SELECT``)."""
    return str(Response._meta.db_table)


def _affected(version_ids: Sequence[int]) -> Any:
    return Response.objects.filter(question_version_id__in=list(version_ids), attempt__state=Attempt.GRADED)


def affected_count(version_ids: Sequence[int], *, after_id: int = 0) -> int:
    """How many responses a regrade of these pinned versions touches (after the cursor ``after_id``)."""
    return int(_affected(version_ids).filter(id__gt=after_id).count())


def _decoded(text: str | None, cache: dict[str | None, Any]) -> Any:
    if text not in cache:
        cache[text] = None if text is None else json.loads(text)
    return cache[text]


def affected_rows(
    version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
) -> list[RegradeRow]:
    """
    The next ``limit`` affected responses after the cursor, in id order (the batch order of a run).

    Answers are read as text and decoded once per distinct text (``decoded`` may be kept across batches): a
    million learners give a handful of distinct answers, and JSON decoding per row was a third of the run's time.
    The stored feedback is not read: a response is rewritten only when its grade changes (see :func:`written`).
    """
    decoded = {} if decoded is None else decoded
    values = (
        _affected(version_ids)
        .filter(id__gt=after_id)
        .annotate(answer_text=Cast("answer", TextField()))
        .order_by("id")
        .values_list(*_ROW_FIELDS)[:limit]
    )
    return [
        RegradeRow(
            id=row[0],
            attempt_id=row[1],
            user_id=row[2],
            assessment_id=row[3],
            question_version_id=row[4],
            tries_used=row[5],
            hints_shown=row[6],
            raw_score=row[7],
            score=row[8],
            correct=row[9],
            answer=_decoded(row[10], decoded),
            answer_key=row[10] or "null",
        )
        for row in values
    ]


def _answer_key(answer: Any) -> str:
    return json.dumps(answer, sort_keys=True, default=str)


def new_grades(
    rows: Iterable[RegradeRow],
    content: QuestionContent,
    *,
    contexts: dict[int, AssessmentContext] | None = None,
    graded: dict[str, tuple[float, bool, dict[str, Any]]] | None = None,
) -> list[NewGrade]:
    """
    The corrected grade of each row: the grader once per distinct answer, then the row's own penalties.

    ``contexts`` and ``graded`` are caches the caller may keep across batches of one run.
    """
    contexts = {} if contexts is None else contexts
    graded = {} if graded is None else graded
    scores: dict[tuple[int, float, int, int], float] = {}
    result: list[NewGrade] = []
    for row in rows:
        key = row.answer_key or _answer_key(row.answer)
        if key not in graded:
            graded[key] = grade_answer(content, row.answer, filters=False)
        raw, correct, feedback = graded[key]
        tries = max(1, row.tries_used)
        score_key = (row.assessment_id, raw, tries, row.hints_shown)
        if score_key not in scores:
            if row.assessment_id not in contexts:
                contexts[row.assessment_id] = load_context(row.assessment_id)
            scores[score_key] = penalised(
                contexts[row.assessment_id], content, raw, tries_used=tries, hints_shown=row.hints_shown
            )
        score = scores[score_key]
        result.append(NewGrade(response_id=row.id, raw_score=raw, score=score, correct=correct, feedback=feedback))
    return result


def written(row: RegradeRow, grade: NewGrade) -> bool:
    """
    Whether the regrade rewrites the row: only when its grade (raw score, score, correctness) changes.

    A response whose grade stands keeps the feedback of the version the learner answered; one whose grade changes
    gets the corrected version's feedback with it. Every affected response is recorded (``RegradeItem``) either way.
    """
    return (row.raw_score, row.score, row.correct) != (grade.raw_score, grade.score, grade.correct)


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def apply_grades(grades: Iterable[NewGrade]) -> int:
    """
    Store new grades with one UPDATE per group of identical values. Returns how many responses were written.

    Plain SQL with ``IN (%s, ...)``, not ``QuerySet.update``: Django compiles an ``id__in`` of thousands of ids
    lookup by lookup, which was a fifth of a million-response regrade.
    """
    groups: dict[tuple[float, float, bool, str], list[int]] = {}
    for grade in grades:
        groups.setdefault((grade.raw_score, grade.score, grade.correct, _answer_key(grade.feedback)), []).append(
            grade.response_id
        )
    now = timezone.now()
    table = Response._meta.db_table
    as_json = "::jsonb" if connection.vendor == "postgresql" else ""
    written = 0
    with connection.cursor() as cursor:
        for (raw, score, correct, feedback), ids in groups.items():
            cursor.execute(
                f"UPDATE {table} SET raw_score = %s, score = %s, correct = %s, feedback = %s{as_json}, "  # noqa: S608
                f"modified = %s WHERE id IN ({_marks(len(ids))})",
                [raw, score, correct, feedback, now, *ids],
            )
            written += cursor.rowcount
    return written


def attempt_totals(
    attempt_ids: Iterable[int],
    *,
    overrides: dict[int, float] | None = None,
    contexts: dict[int, AssessmentContext] | None = None,
    owners: dict[int, tuple[int, int]] | None = None,
) -> list[AttemptTotals]:
    """
    Each attempt's totals from its responses' scores (``overrides``: response id -> score not stored yet).

    With ``overrides`` this is the dry run's prediction; without, the totals after ``apply_grades``. ``owners``
    (attempt id -> (assessment id, user id)), when the caller has them, saves a query.
    """
    overrides = overrides or {}
    contexts = {} if contexts is None else contexts
    ids = sorted(set(attempt_ids))
    if not ids:
        return []
    items: dict[int, list[tuple[float, float]]] = {attempt_id: [] for attempt_id in ids}
    with connection.cursor() as cursor:
        # No ORDER BY: ``math.fsum`` is exactly rounded, so the totals do not depend on the order.
        cursor.execute(
            f"SELECT id, attempt_id, score, points FROM {Response._meta.db_table} "  # noqa: S608
            f"WHERE attempt_id IN ({_marks(len(ids))})",
            ids,
        )
        for response_id, attempt_id, score, points in cursor.fetchall():
            items[attempt_id].append((overrides.get(response_id, score or 0.0), points))
    if owners is None or not set(ids) <= set(owners):
        owners = {
            row[0]: (row[1], row[2])
            for row in Attempt.objects.filter(id__in=ids).values_list("id", "assessment_id", "user_id")
        }
    result = []
    for attempt_id in ids:
        assessment_id, user_id = owners[attempt_id]
        if assessment_id not in contexts:
            contexts[assessment_id] = load_context(assessment_id)
        earned, possible, fraction = scoring.attempt_totals(items[attempt_id])
        result.append(
            AttemptTotals(
                attempt_id=attempt_id,
                assessment_id=assessment_id,
                user_id=user_id,
                earned=earned,
                possible=possible,
                score=fraction,
                passed=scoring.passed(fraction, contexts[assessment_id].config.pass_threshold),
            )
        )
    return result


def apply_attempt_totals(
    totals: Iterable[AttemptTotals], *, contexts: dict[int, AssessmentContext] | None = None
) -> int:
    """
    Store attempt totals, one UPDATE per group of identical values.

    An attempt of a graded assessment bound to a vault XBlock also gets its grade publication queued in the same UPDATE
    (``report_due_at``, the outbox of ``grades.py``), so the new grade reaches the gradebook once committed.
    """
    contexts = {} if contexts is None else contexts
    groups: dict[tuple[float, float, float, bool, bool], list[int]] = {}
    for item in totals:
        if item.assessment_id not in contexts:
            contexts[item.assessment_id] = load_context(item.assessment_id)
        ctx = contexts[item.assessment_id]
        report = ctx.reports_grades
        groups.setdefault((item.earned, item.possible, item.score, item.passed, report), []).append(item.attempt_id)
    now = timezone.now()
    written = 0
    with connection.cursor() as cursor:
        for (earned, possible, score, passed, report), ids in groups.items():
            queue = ", report_due_at = %s" if report else ""
            cursor.execute(
                f"UPDATE {Attempt._meta.db_table} SET earned = %s, possible = %s, score = %s, passed = %s, "  # noqa: S608
                f"modified = %s{queue} WHERE id IN ({_marks(len(ids))})",
                [earned, possible, score, passed, now, *([now] if report else []), *ids],
            )
            written += cursor.rowcount
    return written


def learners_of(attempt_ids: Iterable[int], *, chunk: int = 10000) -> set[tuple[int, int]]:
    """The (assessment id, user id) pairs of these attempts (read in chunks: a regrade may touch millions)."""
    ids = sorted(set(attempt_ids))
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(ids), chunk):
        pairs.update(
            Attempt.objects.filter(id__in=ids[start : start + chunk]).values_list("assessment_id", "user_id").distinct()
        )
    return pairs


def hand_off_grades(pairs: Iterable[tuple[int, int]]) -> int:
    """Publish the grade again for each (assessment, learner) of a graded, block-bound assessment (after commit)."""
    from .grades import hand_off_grade

    contexts: dict[int, AssessmentContext] = {}
    reported = 0
    for assessment_id, user_id in sorted(set(pairs)):
        if assessment_id not in contexts:
            contexts[assessment_id] = load_context(assessment_id)
        if contexts[assessment_id].reports_grades:
            hand_off_grade(assessment_id, user_id)
            reported += 1
    return reported
