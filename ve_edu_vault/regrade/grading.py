"""
Set-based regrading of stored responses with a corrected question version: the computation of a run and its dry run.

TLDR: private to the regrade applet (``api.py`` calls it). The responses and attempts stay the assessments applet's
and are read and written only through its attempt repository (``assessments.api.get_repository()``: set-based
methods taking and returning frozen data). Three steps, each one function, so a dry run and the real run share
every computation and cannot disagree:

1. ``affected_rows``: responses pinned to the given versions in graded attempts, in id order.
2. ``new_grades``: the corrected key applied to each answer. The grader runs once per distinct answer (thousands
   of learners type the same few answers), then each response gets its own try and hint penalties.
3. ``apply_grades`` / ``attempt_totals`` / ``apply_attempt_totals``: the repository writes one UPDATE per group of
   identical new values on the ORM backend; attempt totals are recomputed in Python with ``scoring`` (the same
   ``math.fsum`` as at submission, so a regrade of an unchanged key changes nothing, to the last bit), except for
   the attempts ``changed_by_hand``: a grade staff set by hand stands (ADR 0026), so the run leaves their totals and
   the dry run shows them as they are stored (``stored_totals``).

Why no filters: ``AnswerGradingStarted`` and ``GradeComputed`` steps receive one learner's context and ran when the
answer was first graded; a regrade applies a corrected key to accepted answers, so it grades without them (an
operator's curve is not re-applied; see docs/decisions/0004-mastery-and-regrade.rst).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments import scoring
from ve_edu_vault.assessments.api import AssessmentContext, AttemptTotalsUpdate, NewGrade, RegradeRow
from ve_edu_vault.audit import api as audit
from ve_edu_vault.questions.data import QuestionContent

__all__ = [
    "AttemptTotals",
    "NewGrade",
    "RegradeRow",
    "affected_count",
    "affected_rows",
    "apply_attempt_totals",
    "apply_grades",
    "attempt_totals",
    "changed_by_hand",
    "hand_off_grades",
    "learners_of",
    "new_grades",
    "stored_totals",
    "written",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptTotals:
    attempt_id: int
    assessment_id: int
    user_id: int
    earned: float
    possible: float
    score: float
    passed: bool


def affected_count(version_ids: Sequence[int], *, after_id: int = 0) -> int:
    """How many responses a regrade of these pinned versions touches (after the cursor ``after_id``)."""
    return assessments.get_repository().regrade_count(version_ids, after_id=after_id)


def affected_rows(
    version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
) -> list[RegradeRow]:
    """The next ``limit`` affected responses after the cursor, in id order (the batch order of a run)."""
    return assessments.get_repository().regrade_rows(version_ids, after_id=after_id, limit=limit, decoded=decoded)


def _load(contexts: dict[int, AssessmentContext], assessment_id: int) -> AssessmentContext:
    if assessment_id not in contexts:
        contexts[assessment_id] = assessments.assessment_context(assessment_id)
    return contexts[assessment_id]


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
            graded[key] = assessments.grade_answer(content, row.answer, filters=False)
        raw, correct, feedback = graded[key]
        tries = max(1, row.tries_used)
        score_key = (row.assessment_id, raw, tries, row.hints_shown)
        if score_key not in scores:
            scores[score_key] = assessments.penalised(
                _load(contexts, row.assessment_id), content, raw, tries_used=tries, hints_shown=row.hints_shown
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


def apply_grades(grades: Iterable[NewGrade]) -> int:
    """Store new grades (one UPDATE per group of identical values on the ORM backend); how many were written."""
    return assessments.get_repository().write_regrades(grades)


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
    (attempt id -> (assessment id, user id)), when the caller has them, saves a read.
    """
    overrides = overrides or {}
    contexts = {} if contexts is None else contexts
    ids = sorted(set(attempt_ids))
    if not ids:
        return []
    repository = assessments.get_repository()
    items: dict[int, list[tuple[float, float]]] = {attempt_id: [] for attempt_id in ids}
    # Any order: ``math.fsum`` is exactly rounded, so the totals do not depend on it.
    for item in repository.response_scores(ids):
        items[item.attempt_id].append((overrides.get(item.id, item.score or 0.0), item.points))
    if owners is None or not set(ids) <= set(owners):
        owners = repository.attempt_owners(ids)
    result = []
    for attempt_id in ids:
        assessment_id, user_id = owners[attempt_id]
        _load(contexts, assessment_id)
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


def changed_by_hand(attempt_ids: Iterable[int]) -> set[int]:
    """The attempts among these whose grade staff changed by hand (audited ``grade_changed``): their totals stand."""
    return audit.attempts_changed_by_hand(sorted(set(attempt_ids)))


def stored_totals(attempt_ids: Iterable[int]) -> list[AttemptTotals]:
    """Each attempt's totals as stored (what a regrade keeps for an attempt changed by hand), in id order."""
    repository = assessments.get_repository()
    result = []
    for attempt_id in sorted(set(attempt_ids)):
        attempt = repository.get_attempt(attempt_id)
        result.append(
            AttemptTotals(
                attempt_id=attempt.id,
                assessment_id=attempt.assessment_id,
                user_id=attempt.user_id,
                earned=float(attempt.earned or 0.0),
                possible=float(attempt.possible or 0.0),
                score=float(attempt.score or 0.0),
                passed=bool(attempt.passed),
            )
        )
    return result


def apply_attempt_totals(
    totals: Iterable[AttemptTotals], *, contexts: dict[int, AssessmentContext] | None = None
) -> int:
    """
    Store attempt totals, one UPDATE per group of identical values.

    An attempt of a graded assessment bound to a vault XBlock also gets its grade publication queued in the same UPDATE
    (``report_due_at``, the outbox of ``grades.py``), so the new grade reaches the gradebook once committed. Whether
    it reports is asked once per assessment: the score sinks' answer is a cache (or database) round trip.
    """
    contexts = {} if contexts is None else contexts
    reports: dict[int, bool] = {}

    def report(assessment_id: int) -> bool:
        if assessment_id not in reports:
            reports[assessment_id] = _load(contexts, assessment_id).reports_grades
        return reports[assessment_id]

    return assessments.get_repository().write_attempt_totals(
        AttemptTotalsUpdate(
            attempt_id=item.attempt_id,
            earned=item.earned,
            possible=item.possible,
            score=item.score,
            passed=item.passed,
            report=report(item.assessment_id),
        )
        for item in totals
    )


def learners_of(attempt_ids: Iterable[int], *, chunk: int = 10000) -> set[tuple[int, int]]:
    """The (assessment id, user id) pairs of these attempts (read in chunks: a regrade may touch millions)."""
    ids = sorted(set(attempt_ids))
    repository = assessments.get_repository()
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(ids), chunk):
        pairs.update(repository.attempt_owners(ids[start : start + chunk]).values())
    return pairs


def hand_off_grades(pairs: Iterable[tuple[int, int]]) -> int:
    """Publish the grade again for each (assessment, learner) of a graded, block-bound assessment (after commit)."""
    contexts: dict[int, AssessmentContext] = {}
    reports: dict[int, bool] = {}  # asked once per assessment, as ``apply_attempt_totals`` does
    reported = 0
    for assessment_id, user_id in sorted(set(pairs)):
        if assessment_id not in reports:
            reports[assessment_id] = _load(contexts, assessment_id).reports_grades
        if reports[assessment_id]:
            assessments.hand_off_grade(assessment_id, user_id)
            reported += 1
    return reported
