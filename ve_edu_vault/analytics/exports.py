"""
Streaming exports: attempts, responses, item statistics and mastery as CSV, JSON Lines or Parquet.

TLDR: ``export_chunks(request)`` is a generator of bytes. Attempts and responses come a page at a time from the
storage backend that holds them, through the attempt repository: on the ORM as typed rows
(``export_attempt_rows``: keyset pagination on the primary key, one bounded query per page, on every database, no
server-side state, named tuples from a raw cursor: the benchmark's speed; ADR 0028), on MongoDB as records
(``export_attempts``: one streamed cursor of PyMongo's asyncio client, a page of attempts with their responses
embedded at a time; ADR 0024). Item statistics come from the summaries on both (``summaries``, ADR 0028). Rows
are turned into the export's columns and encoded at once, so memory stays flat whatever the size and the first
bytes leave after the first page. Learners are named by the platform's course-specific anonymous id; usernames only
when the request asks for them and the caller was allowed to (global staff; ``api`` checks).

.. pii: the ``learner`` column holds the platform's anonymous user id by default (not PII under OEP-30, as
   edx-platform's ``AnonymousUserId`` is annotated); with ``identity=username`` it holds the username (PII).
.. pii_types: username
.. pii_retirement: retained (exports are files handed to the requester; the vault keeps no copy but the
   Celery task's file in the export storage, named in an ``ExportJob``)
"""

from __future__ import annotations

import csv
import io
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.analytics import summaries
from ve_edu_vault.analytics.data import AttemptChoice
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.data_stats import ExportFilter
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.platform import api as platform
from ve_edu_vault.questions import api as questions

__all__ = ["COLUMNS", "FORMATS", "KINDS", "ExportRequest", "content_type", "export_chunks", "file_name", "rows"]

KINDS = ("attempts", "responses", "item_stats", "mastery")
FORMATS = ("csv", "jsonl", "parquet")
CONTENT_TYPES = {"csv": "text/csv", "jsonl": "application/jsonl", "parquet": "application/vnd.apache.parquet"}

#: Columns of each export with their type (``int``, ``float``, ``bool``, ``str``, ``datetime``).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "attempts": (
        ("attempt_id", "int"),
        ("assessment_id", "int"),
        ("learner", "str"),
        ("number", "int"),
        ("state", "str"),
        ("started_at", "datetime"),
        ("submitted_at", "datetime"),
        ("graded_at", "datetime"),
        ("score", "float"),
        ("max_score", "float"),
        ("fraction", "float"),
        ("passed", "bool"),
        ("submit_reason", "str"),
    ),
    "responses": (
        ("response_id", "int"),
        ("attempt_id", "int"),
        ("assessment_id", "int"),
        ("learner", "str"),
        ("question_id", "int"),
        ("version", "int"),
        ("position", "int"),
        ("score", "float"),
        ("max_score", "float"),
        ("correct", "bool"),
        ("tries_used", "int"),
        ("hints_shown", "int"),
        ("submitted_at", "datetime"),
        ("graded_at", "datetime"),
    ),
    "item_stats": (
        ("assessment_id", "int"),
        ("question_id", "int"),
        ("version", "int"),
        ("title", "str"),
        ("attempts", "int"),
        ("mean", "float"),
        ("facility", "float"),
        ("discrimination", "float"),
        ("point_biserial", "float"),
        ("mean_seconds", "float"),
        ("flags", "str"),
    ),
    "mastery": (
        ("learner", "str"),
        ("objective_key", "str"),
        ("objective", "str"),
        ("policy", "str"),
        ("mastered", "bool"),
        ("probability", "float"),
        ("evidence_count", "int"),
    ),
}

_LEARNER_CACHE = 4096  # anonymous ids kept per export (rows come in id order, so a learner's rows are close)


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportRequest:
    kind: str
    course_key: CourseKey
    format: str = "csv"
    assessment_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    attempts: AttemptChoice = AttemptChoice.ALL
    usernames: bool = False

    def where(self) -> ExportFilter:
        """Which attempts of the assessments the export reads (the attempt repository's export filter)."""
        return ExportFilter(since=self.since, until=self.until, choice=self.attempts.value)

    def assessment_ids(self) -> list[int]:
        """The one assessment asked for, else every assessment of the course (archived ones too), by id."""
        if self.assessment_id is not None:
            return [self.assessment_id]
        return sorted(a.id for a in assessments.list_assessments(self.course_key, include_archived=True))


class _Learners:
    """user id -> the export's learner name, looked up a page at a time, a bounded number kept."""

    def __init__(self, course_key: CourseKey, *, usernames: bool) -> None:
        self.course_key = course_key
        self.usernames = usernames
        self.known: OrderedDict[int, str] = OrderedDict()

    def prepare(self, user_ids: Iterable[int]) -> None:
        missing = {uid for uid in user_ids if uid not in self.known}
        if not missing:
            return
        if self.usernames:
            found = dict(get_user_model().objects.filter(id__in=missing).values_list("id", "username"))
        else:
            found = platform.anonymous_ids(missing, self.course_key)
        for uid in missing:
            self.known[uid] = found.get(uid, "")
        while len(self.known) > _LEARNER_CACHE + len(missing):
            self.known.popitem(last=False)

    def __getitem__(self, user_id: int) -> str:
        return self.known.get(user_id, "")


def _repository_pages(request: ExportRequest) -> Iterator[list[assessments.AttemptRecord]] | None:
    """Pages of the exported attempts from the attempt repository, when the backend's exports read through it."""
    repository = assessments.get_repository()
    if not repository.exports_through_repository:
        return None
    return repository.export_attempts(request.assessment_ids(), request.where())


def count_rows(request: ExportRequest) -> int:
    """The rows of an attempts or responses export, counted by the attempt repository."""
    attempts, responses = assessments.get_repository().count_export(request.assessment_ids(), request.where())
    return attempts if request.kind == "attempts" else responses


def _row_pages(request: ExportRequest, kind: str) -> Iterator[list[Any]]:
    """The ORM's pages of typed rows (``AttemptRow`` or ``ResponseRow``) of the export's attempts."""
    repository = assessments.get_repository()
    read = repository.export_attempt_rows if kind == "attempts" else repository.export_response_rows
    return read(request.assessment_ids(), request.where())


def _attempt_rows(request: ExportRequest) -> Iterator[list[tuple[Any, ...]]]:
    learners = _Learners(request.course_key, usernames=request.usernames)
    records = _repository_pages(request)
    if records is not None:
        for attempts in records:
            learners.prepare(attempt.user_id for attempt in attempts)
            yield [
                (a.id, a.assessment_id, learners[a.user_id], a.number, a.state, a.started_at, a.submitted_at,
                 a.graded_at, a.earned, a.possible, a.score, a.passed, a.submit_reason)
                for a in attempts
            ]  # fmt: skip
        return
    for page in _row_pages(request, "attempts"):
        learners.prepare(row.user_id for row in page)
        # AttemptRow with the user id replaced by the learner's name.
        yield [(row[0], row[1], learners[row[2]], *row[3:]) for row in page]


def _numbers(numbers: dict[int, int], version_ids: set[int]) -> None:
    """Add the numbers of the versions not known yet (a course has few versions)."""
    missing = version_ids - numbers.keys()
    if missing:
        numbers.update({vid: version.number for vid, version in questions.get_versions(missing).items()})


def _record_response_rows(
    request: ExportRequest, records: Iterator[list[assessments.AttemptRecord]]
) -> Iterator[list[tuple[Any, ...]]]:
    learners = _Learners(request.course_key, usernames=request.usernames)
    numbers: dict[int, int] = {}
    for attempts in records:
        learners.prepare(attempt.user_id for attempt in attempts)
        _numbers(numbers, {r.question_version_id for attempt in attempts for r in attempt.responses})
        page = [
            (r.id, a.id, a.assessment_id, learners[a.user_id], r.question_id, numbers.get(r.question_version_id),
             r.position, None if r.score is None else r.score * r.points, r.points, r.correct, r.tries_used,
             r.hints_shown, a.submitted_at, r.graded_at)
            for a in attempts
            for r in a.responses
        ]  # fmt: skip
        if page:
            yield page


def _response_rows(request: ExportRequest) -> Iterator[list[tuple[Any, ...]]]:
    records = _repository_pages(request)
    if records is not None:
        yield from _record_response_rows(request, records)
        return
    learners = _Learners(request.course_key, usernames=request.usernames)
    numbers: dict[int, int] = {}  # question version id -> its number (a course has few versions)
    for page in _row_pages(request, "responses"):
        learners.prepare(row.user_id for row in page)
        missing = {row[5] for row in page} - numbers.keys()
        if missing:
            numbers.update({vid: version.number for vid, version in questions.get_versions(missing).items()})
        # ResponseRow with the learner's name, the version's number, the score in points.
        yield [
            (
                *row[:3],
                learners[row[3]],
                row[4],
                numbers.get(row[5]),
                row[6],
                None if row[7] is None else row[7] * row[8],
                *row[8:],
            )
            for row in page
        ]


def _item_rows(request: ExportRequest) -> Iterator[list[tuple[Any, ...]]]:
    for assessment_id in assessments.get_repository().with_graded_attempts(request.assessment_ids()):
        result = summaries.analysis(assessment_id, request.attempts)
        yield [
            (
                assessment_id,
                item.question_id,
                item.version,
                item.title,
                item.attempts,
                item.mean,
                item.facility,
                item.discrimination,
                item.point_biserial,
                item.mean_seconds,
                ";".join(flag.code for flag in item.flags),
            )
            for item in result.items
        ]


def _mastery_rows(request: ExportRequest) -> Iterator[list[tuple[Any, ...]]]:
    learners = _Learners(request.course_key, usernames=request.usernames)
    for summary in mastery.objective_summaries(request.course_key):
        report = mastery.get_objective_mastery(request.course_key, summary.objective_key)
        learners.prepare(learner.user_id for learner in report.learners)
        yield [
            (
                learners[learner.user_id],
                report.objective_key,
                report.display_name,
                report.policy,
                learner.mastered,
                learner.probability,
                learner.evidence_count,
            )
            for learner in report.learners
        ]


_ROWS: dict[str, Callable[[ExportRequest], Iterator[list[tuple[Any, ...]]]]] = {
    "attempts": _attempt_rows,
    "responses": _response_rows,
    "item_stats": _item_rows,
    "mastery": _mastery_rows,
}


def rows(request: ExportRequest) -> Iterator[list[tuple[Any, ...]]]:
    """Pages of the export's rows (tuples in ``COLUMNS[kind]`` order)."""
    return _ROWS[request.kind](request)


def _text(value: Any) -> Any:
    """A date-time as ISO 8601 with its offset (naive ones from the database are UTC); anything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat() + "+00:00" if value.tzinfo is None else value.isoformat()
    return value


def _texts(kind: str) -> Callable[[tuple[Any, ...]], list[Any]]:
    """A row as CSV/JSON values: only the date-time columns need converting."""
    dates = [index for index, (_, type_) in enumerate(COLUMNS[kind]) if type_ == "datetime"]

    def convert(row: tuple[Any, ...]) -> list[Any]:
        values = list(row)
        for index in dates:
            values[index] = _text(values[index])
        return values

    return convert


def _csv(request: ExportRequest, pages: Iterator[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS[request.kind]])
    yield buffer.getvalue().encode()
    convert = _texts(request.kind)
    for page in pages:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(convert, page))
        yield buffer.getvalue().encode()


def _jsonl(request: ExportRequest, pages: Iterator[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    names = [name for name, _ in COLUMNS[request.kind]]
    convert = _texts(request.kind)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    for page in pages:
        yield "".join(encode(dict(zip(names, convert(row), strict=True))) + "\n" for row in page).encode()


class _Sink(io.RawIOBase):
    """A write-only file pyarrow writes into; the export drains what was written after each row group."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def parquet_available() -> bool:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _parquet(request: ExportRequest, pages: Iterator[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "str": pa.string(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS[request.kind]])
    sink = _Sink()
    writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema)
    for page in pages:
        columns = list(zip(*page, strict=True)) if page else [() for _ in schema]
        writer.write_table(
            pa.table(
                [pa.array(list(col), type=field.type) for col, field in zip(columns, schema, strict=True)],
                schema=schema,
            )
        )
        yield sink.drain()
    writer.close()
    yield sink.drain()


_ENCODERS = {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet}


def _counted(
    pages: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]
) -> Iterator[list[tuple[Any, ...]]]:
    done = 0
    for page in pages:
        yield page
        done += len(page)
        progress(done)


def export_chunks(request: ExportRequest, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The export's bytes, a page at a time (the header first for CSV); ``progress(rows written so far)``."""
    pages = rows(request) if progress is None else _counted(rows(request), progress)
    return (chunk for chunk in _ENCODERS[request.format](request, pages) if chunk)


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def file_name(request: ExportRequest, now: datetime) -> str:
    """``<course>-<kind>[-a<assessment>]-<UTC time>.<format>`` with characters safe in a file name."""
    course = str(request.course_key).replace(":", "_").replace("+", "_").replace("/", "_")
    part = f"-a{request.assessment_id}" if request.assessment_id is not None else ""
    return f"{course}-{request.kind}{part}-{now:%Y%m%dT%H%M%SZ}.{request.format}"
