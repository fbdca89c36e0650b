"""
The storage port of attempts and responses: what any backend (Django ORM, MongoDB later) must do.

TLDR: ``assessments.api`` reads and writes attempts only through this interface and gets frozen
records back. Transactions are the caller's (``api`` wraps calls in ``transaction.atomic``);
``get_attempt(..., lock=True)`` must hold a row lock on the attempt until that transaction ends, so
saving and submitting serialise per attempt. ``create_attempt`` must refuse a second attempt in
progress for the same learner and assessment with :class:`AttemptInProgressConflict`, atomically
(the ORM backend relies on a unique constraint). Pinned by ``tests/assessments/test_attempt_repository_contract.py``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import ConflictError, NotFoundError

from ..data_records import AccessRecord, DueReport, GradedResponse, ReportStatus
from ..data_stats import EVERY_FINISHED, AnswerTally, AttemptRow, AttemptSums, ExportFilter, ResponseRow, VersionSums

__all__ = [
    "AttemptInProgressConflict",
    "AttemptRecord",
    "AttemptRepository",
    "AttemptTotalsUpdate",
    "NewAttempt",
    "NewGrade",
    "NewResponse",
    "RegradeRow",
    "ResponseRecord",
    "ResponseScore",
]

# The response fields ``update_response`` may change (everything else is fixed at the draw).
RESPONSE_FIELDS = frozenset(
    {"answer", "raw_score", "score", "correct", "tries_used", "hints_shown", "checked", "feedback", "graded_at"}
)
# The attempt fields ``update_attempt`` may change.
ATTEMPT_FIELDS = frozenset(
    {
        "state",
        "deadline",
        "submitted_at",
        "graded_at",
        "earned",
        "possible",
        "score",
        "passed",
        "submit_reason",
        "report_due_at",
    }
)


class AttemptInProgressConflict(ConflictError):
    """The learner already has an attempt in progress on this assessment (a racing start)."""

    code = "attempt_in_progress"


@dataclass(frozen=True, kw_only=True, slots=True)
class NewResponse:
    position: int
    question_id: int
    question_version_id: int
    points: float = 1.0


@dataclass(frozen=True, kw_only=True, slots=True)
class NewAttempt:
    assessment_id: int
    user_id: int
    number: int
    seed: int
    started_at: datetime
    deadline: datetime | None
    responses: tuple[NewResponse, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ResponseRecord:
    id: int
    attempt_id: int
    position: int
    question_id: int
    question_version_id: int
    points: float
    answer: Any
    raw_score: float | None
    score: float | None
    correct: bool | None
    tries_used: int
    hints_shown: int
    checked: bool
    feedback: Mapping[str, Any] | None
    graded_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptRecord:
    id: int
    assessment_id: int
    user_id: int
    number: int
    state: str
    seed: int
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    graded_at: datetime | None
    earned: float | None
    possible: float | None
    score: float | None
    passed: bool | None
    submit_reason: str
    #: Set when the learner's grade on the assessment waits to be reported to the gradebook (grades.py's outbox).
    report_due_at: datetime | None = None
    responses: tuple[ResponseRecord, ...] = field(default_factory=tuple)

    def response(self, response_id: int) -> ResponseRecord | None:
        return next((item for item in self.responses if item.id == response_id), None)


@dataclass(frozen=True, kw_only=True, slots=True)
class RegradeRow:
    """What a bulk regrade reads of one response in a graded attempt (and of its attempt)."""

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
    """A response's grade under a corrected answer key."""

    response_id: int
    raw_score: float
    score: float
    correct: bool
    feedback: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class ResponseScore:
    """One response's score and points (what an attempt's totals are summed from)."""

    id: int
    attempt_id: int
    score: float | None
    points: float


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptTotalsUpdate:
    """New totals of a graded attempt; ``report`` also queues its grade publication (the outbox)."""

    attempt_id: int
    earned: float
    possible: float
    score: float
    passed: bool
    report: bool


class AttemptRepository(abc.ABC):
    """Store and read attempts and their responses. Missing ids raise ``NotFoundError``."""

    @abc.abstractmethod
    def create_attempt(self, attempt: NewAttempt) -> AttemptRecord:
        """A new attempt in progress with its responses; :class:`AttemptInProgressConflict` if one runs."""

    @abc.abstractmethod
    def get_attempt(self, attempt_id: int, *, lock: bool = False) -> AttemptRecord:
        """The attempt with its responses (by position); ``lock`` holds its row until the transaction ends."""

    @abc.abstractmethod
    def get_in_progress(self, assessment_id: int, user_id: int) -> AttemptRecord | None: ...

    @abc.abstractmethod
    def list_attempts(self, assessment_id: int, user_id: int, *, with_responses: bool = False) -> list[AttemptRecord]:
        """The learner's attempts on the assessment, oldest first."""

    @abc.abstractmethod
    def count_attempts(self, assessment_id: int, user_id: int) -> int: ...

    @abc.abstractmethod
    def next_number(self, assessment_id: int, user_id: int) -> int:
        """The number the learner's next attempt on the assessment gets (last + 1)."""

    @abc.abstractmethod
    def update_response(self, response_id: int, **fields: Any) -> ResponseRecord:
        """Change fields named in ``RESPONSE_FIELDS`` of one response."""

    def update_responses(self, updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Change several responses at once (one statement where the backend can); each dict as ``update_response``."""
        for response_id, fields in updates:
            self.update_response(response_id, **fields)

    @abc.abstractmethod
    def update_attempt(self, attempt_id: int, **fields: Any) -> AttemptRecord:
        """Change fields named in ``ATTEMPT_FIELDS``; a state other than in_progress ends the attempt."""

    def close_attempt(
        self, attempt: AttemptRecord, responses: Sequence[ResponseRecord], **fields: Any
    ) -> AttemptRecord:
        """
        End an attempt with ``fields`` and return it with ``responses``, without reading it back.

        For the grading pipeline, which already holds the locked attempt and its graded responses.
        """
        self.update_attempt(attempt.id, **fields)
        return self.get_attempt(attempt.id)

    def grade_attempt(
        self, attempt: AttemptRecord, responses: Sequence[tuple[int, Mapping[str, Any]]], **fields: Any
    ) -> AttemptRecord:
        """
        The grading's write: each ``(response id, fields)`` of ``responses`` (``RESPONSE_FIELDS``) and the attempt's
        ``fields`` (``ATTEMPT_FIELDS``) together, in one statement where the backend can (ADR 0036); returns the attempt
        with its responses as stored, without reading it back. A response that is not the attempt's, or an attempt that
        is gone, raises ``NotFoundError`` (the caller's transaction then rolls back what was written).

        This default writes the responses, then the attempt (``update_responses``, ``close_attempt``).
        """
        check_fields(fields, ATTEMPT_FIELDS)
        graded = apply_grades(attempt, responses)
        self.update_responses([(response_id, dict(values)) for response_id, values in responses])
        return self.close_attempt(attempt, graded, **fields)

    @abc.abstractmethod
    def expired_attempt_ids(self, now: datetime, *, limit: int = 500) -> list[int]:
        """Attempts still in progress whose deadline is before ``now`` (oldest deadline first)."""

    @abc.abstractmethod
    def seen_questions(self, user_id: int, assessment_ids: Iterable[int]) -> dict[int, datetime]:
        """For each question the learner was shown in these assessments, when it was last shown."""

    @abc.abstractmethod
    def attempt_access(self, attempt_id: int) -> AccessRecord | None:
        """
        The attempt's owner and deadline, its assessment, and its pinned versions with their questions' nodes: what
        every ``attempts/<id>/`` request needs first, in one read where the backend can. None if absent.
        """

    @abc.abstractmethod
    def graded_responses(self, course_key: CourseKey, user_ids: Sequence[int] | None = None) -> list[GradedResponse]:
        """
        The scored responses worth points of the course's graded attempts (of ``user_ids``, or everyone's), ordered
        by the attempt's grading time, then attempt, then position: the order mastery observed them live.
        """

    # The grade-publication outbox (``grades.py``): attempts marked ``report_due_at``, drained after commit.

    @abc.abstractmethod
    def queue_reports(self, assessment_id: int, now: datetime) -> int:
        """Queue the publication of the assessment's graded attempts not queued yet; how many."""

    @abc.abstractmethod
    def due_reports(
        self, now: datetime, *, assessment_id: int | None = None, user_id: int | None = None, limit: int
    ) -> list[DueReport]:
        """
        Queued publications due at ``now`` (at most ``limit`` attempts, oldest due first), one per learner and
        assessment, locked until the transaction ends; attempts another drain holds are skipped where possible.
        """

    @abc.abstractmethod
    def clear_reports(self, attempt_ids: Sequence[int]) -> None:
        """The publication succeeded: unmark these attempts."""

    @abc.abstractmethod
    def defer_reports(self, attempt_ids: Sequence[int], *, tries: int, due_at: datetime, error: str) -> None:
        """The publication failed: try again at ``due_at``."""

    @abc.abstractmethod
    def report_status(self, assessment_id: int) -> ReportStatus: ...

    # Exports (``analytics/exports.py``). The ORM's pages are typed rows read from a raw cursor
    # (``export_attempt_rows``/``export_response_rows``: the export benchmark's speed, ADR 0018); a backend that sets
    # ``exports_through_repository`` gives pages of records instead (``export_attempts``, ADR 0024). Both count.

    #: Whether ``analytics/exports.py`` reads this backend's attempts with ``export_attempts``.
    exports_through_repository: bool = False

    def export_attempt_rows(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = 1000
    ) -> Iterator[list[AttemptRow]]:
        """Pages of the exported attempts as rows (the attempts ``export_attempts`` would give, in the same order)."""
        raise NotImplementedError(f"{type(self).__name__}: exports read through export_attempts")

    def export_response_rows(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = 1000
    ) -> Iterator[list[ResponseRow]]:
        """Pages of the exported attempts' responses as rows, by attempt and position (``batch`` attempts a page)."""
        raise NotImplementedError(f"{type(self).__name__}: exports read through export_attempts")

    def export_attempts(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = 1000
    ) -> Iterator[list[AttemptRecord]]:
        """
        Pages of the exported attempts with their responses, assessment by assessment in id order, constant memory:
        the attempts ``where`` chooses (``data_stats.ExportFilter``).
        """
        raise NotImplementedError(f"{type(self).__name__}: exports read through export_attempt_rows")

    @abc.abstractmethod
    def count_export(self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED) -> tuple[int, int]:
        """How many attempts and responses the export yields (a progress bar's total)."""

    # Item analysis (``analytics``): sums computed by the database, never every response read into Python
    # (ADR 0028). ``choice`` is "all" or one graded attempt per learner: "first", "last" or "best" (highest score,
    # then earliest); see ``data_stats``.

    @abc.abstractmethod
    def version_sums(self, assessment_id: int, choice: str) -> list[VersionSums]:
        """One ``VersionSums`` per question version answered in the counted attempts, by question and version."""

    @abc.abstractmethod
    def attempt_sums(self, assessment_id: int, choice: str) -> AttemptSums:
        """The counted attempts' sums (totals, number right, durations, score bins, partial credits)."""

    @abc.abstractmethod
    def answer_tallies(self, assessment_id: int, choice: str, version_ids: Sequence[int]) -> list[AnswerTally]:
        """The distinct answers to these versions in the counted attempts, with counts and totals (any order)."""

    @abc.abstractmethod
    def graded_attempt_users(self, assessment_id: int) -> dict[int, int]:
        """``{attempt id: user id}`` of the assessment's graded attempts."""

    @abc.abstractmethod
    def with_graded_attempts(self, assessment_ids: Sequence[int]) -> list[int]:
        """Those of ``assessment_ids`` with at least one graded attempt, in the order given."""

    @abc.abstractmethod
    def assessments_with_question(self, question_id: int) -> list[int]:
        """The assessments (ids in order) with a graded attempt that had the question."""

    @abc.abstractmethod
    def users_with_attempts(self, assessment_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, set[int]]:
        """Per assessment, which of ``user_ids`` have an attempt of it (any state)."""

    # Copying between backends (``vault_copy_storage``): ids are kept, so a copy can be resumed and checked.

    @abc.abstractmethod
    def course_attempts(self, assessment_ids: Sequence[int], *, after_id: int, limit: int) -> list[AttemptRecord]:
        """The attempts of these assessments with their responses, by id, after ``after_id`` (a streamed read)."""

    @abc.abstractmethod
    def put_attempts(self, attempts: Sequence[AttemptRecord]) -> int:
        """Store copies of attempts with their ids (an attempt already stored is replaced); how many written."""

    @abc.abstractmethod
    def max_attempt_id(self, assessment_ids: Sequence[int]) -> int:
        """The highest attempt id of these assessments (0 when none): where a resumed copy continues."""

    # Bulk regrade (``regrade`` applet): set-based, in response id order, over graded attempts only.

    @abc.abstractmethod
    def regrade_count(self, version_ids: Sequence[int], *, after_id: int = 0) -> int:
        """How many responses pinned to these versions, in graded attempts, have an id above ``after_id``."""

    @abc.abstractmethod
    def regrade_rows(
        self, version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
    ) -> list[RegradeRow]:
        """
        The next ``limit`` of those responses after ``after_id``, in id order. ``decoded`` (answer text -> value)
        may be kept across batches: answers are decoded once per distinct text.
        """

    @abc.abstractmethod
    def write_regrades(self, grades: Iterable[NewGrade]) -> int:
        """Store new grades (raw score, score, correctness, feedback); returns how many responses were written."""

    @abc.abstractmethod
    def response_scores(self, attempt_ids: Iterable[int]) -> list[ResponseScore]:
        """The scores and points of every response of these attempts (any order)."""

    @abc.abstractmethod
    def attempt_owners(self, attempt_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """``{attempt id: (assessment id, user id)}`` of these attempts."""

    @abc.abstractmethod
    def write_attempt_totals(self, totals: Iterable[AttemptTotalsUpdate]) -> int:
        """Store attempts' totals (and queue the grade publication of those with ``report``); how many written."""

    @abc.abstractmethod
    def retire_learner(self, user_id: int) -> tuple[int, int]:
        """
        Retirement: keep the learner's attempts and responses (item statistics) and drop their queued
        grade reports; returns (attempts kept, reports dropped). docs/decisions/0013-learner-retirement.rst.
        """


def check_fields(fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot update {sorted(unknown)}.")


def apply_grades(
    attempt: AttemptRecord, responses: Sequence[tuple[int, Mapping[str, Any]]]
) -> tuple[ResponseRecord, ...]:
    """
    The attempt's responses with ``responses`` applied (``grade_attempt``), checked before anything is written: each
    id once, each a response of ``attempt`` (else ``NotFoundError``), each field one of ``RESPONSE_FIELDS``.
    """
    changes: dict[int, Mapping[str, Any]] = {}
    for response_id, values in responses:
        if response_id in changes:
            raise ValueError(f"Response {response_id} is graded twice.")
        check_fields(values, RESPONSE_FIELDS)
        changes[response_id] = values
    known = {item.id for item in attempt.responses}
    if not changes.keys() <= known:
        raise NotFoundError(f"Attempt {attempt.id} has no response {sorted(changes.keys() - known)}.")
    return tuple(replace(item, **changes[item.id]) if item.id in changes else item for item in attempt.responses)
