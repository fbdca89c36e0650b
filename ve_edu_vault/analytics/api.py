"""
Public Python API of analytics: item analysis now; exports, mastery reports and the dashboard build on it.

TLDR: views, commands and tasks call only these functions. ``item_analysis`` checks the assessment through
``assessments.api`` (a 404 for another course's), then reads the statistics from the summary tables through
the cache (``summaries``).
``analysis_to_dict`` is the JSON shape of ``vault_item_analysis --json`` and of the REST endpoint
(docs/analytics_json.rst, a public contract).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.analytics import exports, mastery_reports, store, summaries
from ve_edu_vault.analytics.data import AttemptChoice, ExportJobData, ItemAnalysis, ItemStats
from ve_edu_vault.analytics.exports import FORMATS, KINDS, ExportRequest
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import NotFoundError, PermissionDeniedError, ValidationError
from ve_edu_vault.platform import api as platform

__all__ = [
    "FORMATS",
    "KINDS",
    "AttemptChoice",
    "ExportJobData",
    "ExportRequest",
    "ItemAnalysis",
    "analysis_to_dict",
    "attempt_choice",
    "audit_export",
    "export_file_name",
    "export_request",
    "export_rows",
    "get_export_job",
    "item_analysis",
    "learner_mastery",
    "list_export_jobs",
    "mastery_outline",
    "mastery_tree",
    "not_started",
    "not_started_available",
    "open_export_file",
    "queue_export",
    "refresh_item_analysis",
    "run_export_job",
    "stream_export",
]

log = logging.getLogger(__name__)


def attempt_choice(value: str | AttemptChoice | None) -> AttemptChoice:
    """``first``, ``last``, ``best`` or ``all`` (the default); anything else is a ValidationError."""
    if value is None or value == "":
        return AttemptChoice.ALL
    try:
        return AttemptChoice(value)
    except ValueError as exc:
        raise ValidationError("attempts must be one of first, last, best, all.", field="attempts") from exc


def item_analysis(
    assessment_id: int, *, attempts: str | AttemptChoice | None = None, course_key: CourseKey | None = None
) -> ItemAnalysis:
    """The item analysis of an assessment on the learners' first, last, best or all graded attempts."""
    choice = attempt_choice(attempts)
    assessments.get_assessment(assessment_id, course_key=course_key)
    return summaries.analysis(assessment_id, choice)


def refresh_item_analysis(assessment_id: int, *, course_key: CourseKey | None = None) -> None:
    """Rebuild the assessment's summaries from the attempts (after a failed update, or data loaded by hand)."""
    assessments.get_assessment(assessment_id, course_key=course_key)
    summaries.rebuild(assessment_id)


def _item_dict(item: ItemStats) -> dict[str, Any]:
    data = asdict(item)
    data["flags"] = [asdict(flag) for flag in item.flags]
    data["choices"] = [asdict(choice) for choice in item.choices]
    return data


def analysis_to_dict(result: ItemAnalysis) -> dict[str, Any]:
    """The public JSON shape (docs/analytics_json.rst): ``assessment``, ``items`` (versions), ``questions``."""
    test = asdict(result.assessment)
    test["attempts_choice"] = str(result.assessment.attempts_choice)
    test["distribution"] = list(result.assessment.distribution)
    test["notes"] = list(result.assessment.notes)
    return {
        "assessment": test,
        "items": [_item_dict(item) for item in result.items],
        "questions": [_item_dict(item) for item in result.questions],
    }


def _when(value: Any, field: str) -> datetime | None:
    """A date (midnight UTC) or an ISO date-time (UTC when naive); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    text = str(value)
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment:
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    if day:
        return datetime.combine(day, time(), tzinfo=UTC)
    raise ValidationError(f"{field} must be a date (YYYY-MM-DD) or an ISO date-time.", field=field)


def export_request(
    kind: str,
    course_key: CourseKey,
    *,
    fmt: str | None = "csv",
    assessment_id: Any = None,
    since: Any = None,
    until: Any = None,
    attempts: Any = None,
    identity: str | None = None,
    user: Any = None,
) -> ExportRequest:
    """
    A checked export request. ``identity="username"`` names learners by username: only for global staff (``user``
    None is an operator's command). A foreign assessment is a 404, anything else malformed a ValidationError.
    """
    if kind not in exports.KINDS:
        raise NotFoundError(f"No export named {kind!r}; exports: {', '.join(exports.KINDS)}.")
    fmt = fmt or "csv"
    if fmt not in exports.FORMATS:
        raise ValidationError(f"format must be one of {', '.join(exports.FORMATS)}.", field="format")
    if fmt == "parquet" and not exports.parquet_available():
        raise ValidationError("Parquet exports need pyarrow installed on the server.", field="format")
    assessment: int | None = None
    if assessment_id not in (None, ""):
        try:
            assessment = int(assessment_id)
        except (TypeError, ValueError) as exc:
            raise ValidationError("assessment must be an assessment id.", field="assessment") from exc
        if not 0 < assessment < 2**63:
            raise NotFoundError(f"No assessment {assessment}.")
        assessments.get_assessment(assessment, course_key=course_key)
    identity = identity or "anonymous"
    if identity not in ("anonymous", "username"):
        raise ValidationError("identity must be anonymous or username.", field="identity")
    if identity == "username" and user is not None and not platform.is_global_staff(user):
        raise PermissionDeniedError(_("Only global staff may export usernames; exports name learners by anonymous id."))
    choice = attempt_choice(attempts)
    start, end = _when(since, "since"), _when(until, "until")
    if start and end and end <= start:
        raise ValidationError("until must be after since.", field="until")
    return ExportRequest(
        kind=kind,
        course_key=course_key,
        format=fmt,
        assessment_id=assessment,
        since=start,
        until=end,
        attempts=choice,
        usernames=identity == "username",
    )


def stream_export(request: ExportRequest, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The export's bytes as they are read (for ``StreamingHttpResponse`` and the command); ``progress(rows)``."""
    return exports.export_chunks(request, progress)


def export_rows(request: ExportRequest) -> int | None:
    """How many rows the export has (attempts and responses; None for the others), for a progress bar."""
    if request.kind not in ("attempts", "responses"):
        return None
    return exports.count_rows(request)


def export_file_name(request: ExportRequest) -> str:
    return exports.file_name(request, timezone.now())


def _filters_dict(request: ExportRequest) -> dict[str, Any]:
    return {
        "assessment_id": request.assessment_id,
        "since": request.since.isoformat() if request.since else None,
        "until": request.until.isoformat() if request.until else None,
        "attempts": str(request.attempts),
        "usernames": request.usernames,
    }


def queue_export(request: ExportRequest, *, user: Any = None) -> ExportJobData:
    """Record an export job (audited) and have the worker write it to storage (after this transaction commits)."""
    from ve_edu_vault.analytics.tasks import run_export

    with transaction.atomic():
        job = store.create_export_job(
            course_key=request.course_key,
            kind=request.kind,
            fmt=request.format,
            filters=_filters_dict(request),
            requested_by_id=getattr(user, "pk", None),
        )
        audit_export(request, user=user, mode="job", job_id=job.id)
    options = {"queue": conf.celery_queue()} if conf.celery_queue() else {}

    def send() -> None:
        try:
            run_export.apply_async(args=[job.id], **options)
        except Exception as exc:  # the broker is down: say so on the job instead of failing the request
            log.exception("Export job %s could not be queued", job.id)
            store.update_export_job(job.id, status="failed", error=f"Could not be queued: {exc}"[:2000])

    transaction.on_commit(send)
    return job


def audit_export(request: ExportRequest, *, user: Any = None, mode: str, job_id: int | None = None) -> None:
    """
    The audit entry of an export of learner data: ``mode`` "job" (queued), "stream" (the REST download) or
    "command" (``vault_export``, no user).
    """
    audit.record(
        audit.EXPORT_STARTED,
        object_type="export_job" if job_id is not None else "export",
        object_id=job_id if job_id is not None else request.kind,
        course_key=request.course_key,
        actor=user,
        details={"kind": request.kind, "format": request.format, "mode": mode, **_filters_dict(request)},
    )


def _job_request(job: ExportJobData) -> ExportRequest:
    filters = job.filters
    return ExportRequest(
        kind=job.kind,
        course_key=CourseKey.from_string(job.course_key),
        format=job.format,
        assessment_id=filters.get("assessment_id"),  # type: ignore[arg-type]
        since=_when(filters.get("since"), "since"),
        until=_when(filters.get("until"), "until"),
        attempts=attempt_choice(str(filters.get("attempts") or "all")),
        usernames=bool(filters.get("usernames")),
    )


def run_export_job(job_id: int) -> ExportJobData:
    """Write the job's export to the export storage and tell the requester (the Celery task's body)."""
    job = store.get_export_job(job_id)
    if job is None:
        raise NotFoundError(f"No export job {job_id}.")
    if job.status == "done":
        return job
    store.update_export_job(job_id, status="running", error="")
    request = _job_request(job)
    rows = export_rows(request) or 0
    try:
        with tempfile.TemporaryFile() as spool:
            for chunk in exports.export_chunks(request):
                spool.write(chunk)
            size = spool.tell()
            spool.seek(0)
            name = conf.export_storage().save(
                f"ve_edu_vault/exports/{exports.file_name(request, job.created)}", File(spool)
            )
    except Exception as exc:
        log.exception("Export job %s failed", job_id)
        store.update_export_job(job_id, status="failed", error=str(exc)[:2000], finished=timezone.now())
        raise
    store.update_export_job(job_id, status="done", storage_name=name, rows=rows, size=size, finished=timezone.now())
    done = store.get_export_job(job_id)
    assert done is not None
    _notify(done)
    return done


def _notify(job: ExportJobData) -> None:
    """Mail the requester that the export is ready (it is listed on the staff area's exports page either way)."""
    if job.requested_by_id is None:
        return
    from django.contrib.auth import get_user_model

    email = get_user_model().objects.filter(pk=job.requested_by_id).values_list("email", flat=True).first()
    if not email:
        return
    send_mail(
        subject=_("Your {kind} export of {course} is ready").format(kind=job.kind, course=job.course_key),
        message=_("The export ({rows} rows) is ready on the course's staff exports page.").format(rows=job.rows),
        from_email=None,
        recipient_list=[email],
        fail_silently=True,
    )


def list_export_jobs(course_key: CourseKey) -> list[ExportJobData]:
    return store.list_export_jobs(course_key)


def get_export_job(job_id: int, *, course_key: CourseKey) -> ExportJobData:
    job = store.get_export_job(job_id)
    if job is None or job.course_key != str(course_key):
        raise NotFoundError(f"No export job {job_id}.")
    return job


def open_export_file(job: ExportJobData) -> Any:
    """The finished job's file, opened for reading from the export storage."""
    if job.status != "done" or not job.storage_name:
        raise NotFoundError(_("The export is not ready."))
    return conf.export_storage().open(job.storage_name, "rb")


def mastery_outline(course_key: CourseKey) -> list[mastery_reports.MasteryNode]:
    """Topics > subtopics > objectives with how many learners mastered each (``mastery_reports``)."""
    return mastery_reports.mastery_outline(course_key)


@dataclass(frozen=True, kw_only=True, slots=True)
class NotStarted:
    """Enrolled learners (active enrollments, from the LMS's Enrollment API) with no attempt, per assessment."""

    enrolled: int
    by_assessment: dict[int, list[str]]
    error: str = ""


def not_started_available() -> bool:
    """Whether ``not_started`` can ask the LMS (its REST API is configured); nothing is sent to find out."""
    from ve_edu_vault.platform import api as platform

    return platform.lms_enrollments_client() is not None


def not_started(course_key: CourseKey, assessment_ids: list[int]) -> NotStarted | None:
    """Who is enrolled and has not started each assessment; None when the LMS's REST API is not configured, an
    ``error`` (in plain words) when the LMS could not be read."""
    from ve_edu_vault.platform import api as platform

    client = platform.lms_enrollments_client()
    if client is None:
        return None
    try:
        usernames = sorted({item.username for item in client.course_enrollments(course_key) if item.is_active})
    except platform.LmsApiError as exc:
        return NotStarted(enrolled=0, by_assessment={}, error=exc.message)
    started = store.usernames_with_attempts(assessment_ids, usernames)
    return NotStarted(
        enrolled=len(usernames),
        by_assessment={aid: [name for name in usernames if name not in started[aid]] for aid in assessment_ids},
    )


def mastery_tree(course_key: CourseKey) -> list[dict[str, Any]]:
    """The same counts nested as the outline: topics > subtopics > objectives (``children``), JSON-ready."""
    return mastery_reports.mastery_tree(course_key)


def learner_mastery(course_key: CourseKey, user: Any) -> list[Any]:
    """One learner's objectives, mastered or not (``mastery.api.get_learner_mastery``)."""
    from ve_edu_vault.mastery import api as mastery

    return list(mastery.get_learner_mastery(course_key, user))
