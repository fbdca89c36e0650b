"""
Import jobs: an upload previewed, then confirmed, in the request or on a Celery worker when it is large.

TLDR: the Studio page and the REST endpoint create a job with the uploaded file (kept in the import
storage, ``conf.import_storage()``, so a worker on another machine reads it, as edx-platform's course import
keeps its tarball in ``COURSE_IMPORT_EXPORT_STORAGE``), show its preview (a dry run: what will be created,
updated, unchanged and refused), and import it when the author confirms, with or without "import what can
be imported". Files up to ``VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES`` are handled in the request; larger ones
by ``questions.tasks``. The job row is also the audit record of the import (who, when, which file, outcome);
the stored file is deleted once the import is done, and by ``expire_uploads`` (a periodic task) when the
import has not happened ``VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS`` after the job last changed.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError

from .data_api import ImportJobData
from .interchange.registry import get_formats
from .interchange_service import InterchangeReport, Progress, _node_id, import_questions
from .repositories import get_repository

__all__ = [
    "check_upload_size",
    "confirm_import_job",
    "expire_uploads",
    "get_import_job",
    "preview_import_job",
    "run_import_job",
    "start_import_job",
]

log = logging.getLogger(__name__)

UPLOADED, PREVIEWING, PREVIEWED, IMPORTING, IMPORTED, REFUSED, FAILED = (
    "uploaded",
    "previewing",
    "previewed",
    "importing",
    "imported",
    "refused",
    "failed",
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _progress(job_id: int) -> Progress:
    repository = get_repository()

    def report(done: int, total: int) -> None:
        if transaction.get_connection().in_atomic_block:
            return  # inside the import's transaction: an update would only show once it commits
        repository.update_import_job(job_id, done=done, total=total)

    return report


def _read(job: ImportJobData) -> bytes:
    with conf.import_storage().open(job.storage_name, "rb") as handle:
        data: bytes = handle.read()
    return data


def _queue(task_name: str, job_id: int) -> None:
    from . import tasks

    task = getattr(tasks, task_name)

    def send() -> None:
        try:
            # Routed by edx-platform's EXPLICIT_QUEUES (the Tutor plugin sends these to Studio's worker).
            options = {"queue": conf.celery_queue()} if conf.celery_queue() else {}
            task.apply_async(args=[job_id], **options)
        except Exception:
            log.exception("Could not queue question import %s", job_id)
            get_repository().update_import_job(job_id, status=FAILED, error="The task queue is not reachable.")

    transaction.on_commit(send)


def check_upload_size(size: int | None) -> None:
    """Refuse an upload larger than ``VE_EDU_VAULT_IMPORT_MAX_BYTES`` before reading it into memory."""
    if size is not None and size > conf.import_max_bytes():
        raise ValidationError(f"The file is larger than {conf.import_max_bytes()} bytes.", field="file")


def start_import_job(
    course_key: CourseKey,
    data: bytes,
    file_name: str,
    *,
    format: str = "auto",
    node_usage_key: str | None = None,
    partial: bool = False,
    author: Any = None,
) -> ImportJobData:
    """Keep the upload and preview it (now, or on a worker for a large file)."""
    if format != "auto" and (get_formats().get(format) is None or get_formats().get(format).read is None):  # type: ignore[union-attr]
        known = ", ".join(["auto", *sorted(f.name for f in get_formats().readers())])
        raise ValidationError(f"Unknown import format {format!r}; one of: {known}.", field="format")
    if not data:
        raise ValidationError("The file is empty.", field="file")
    if len(data) > conf.import_max_bytes():
        raise ValidationError(f"The file is larger than {conf.import_max_bytes()} bytes.", field="file")
    _node_id(course_key, node_usage_key)
    storage = conf.import_storage()
    clean_name = _SAFE_NAME.sub("_", file_name.rsplit("/", 1)[-1])[:100] or "upload"
    stored = storage.save(f"ve_edu_vault/question_imports/{uuid.uuid4().hex}/{clean_name}", ContentFile(data))
    author_id = getattr(author, "pk", None) if getattr(author, "is_authenticated", False) else None
    job = get_repository().create_import_job(
        course_key=course_key,
        file_name=file_name[:255],
        storage_name=stored,
        size=len(data),
        format=format,
        node_usage_key=node_usage_key or "",
        partial=partial,
        status=UPLOADED,
        created_by_id=author_id,
    )
    if len(data) > conf.import_inline_max_bytes():
        job = get_repository().update_import_job(job.id, status=PREVIEWING)
        _queue("preview_question_import", job.id)
        return job
    return preview_import_job(job.id)


def _import_file(job: ImportJobData, *, dry_run: bool = False, author: Any = None) -> InterchangeReport:
    """The job's stored file through ``import_questions``: the preview (``dry_run``) or the import (``author``)."""
    return import_questions(
        job.course_key,
        _read(job),
        job.file_name,
        format=job.format,
        node_usage_key=job.node_usage_key or None,
        partial=job.partial,
        dry_run=dry_run,
        author=author,
        progress=_progress(job.id),
    )


def preview_import_job(job_id: int) -> ImportJobData:
    """The dry run of a job's file (the preview); a file that cannot be read fails the job with the reason."""
    repository = get_repository()
    job = repository.get_import_job(job_id)
    if not job.storage_name:
        return job  # the upload expired (a task delivered after ``expire_uploads``): nothing to read
    repository.update_import_job(job_id, status=PREVIEWING)
    try:
        report = _import_file(job, dry_run=True)
    except ValidationError as error:
        return repository.update_import_job(job_id, status=FAILED, error=error.message)
    return repository.update_import_job(job_id, status=PREVIEWED, preview=report.to_dict())


def get_import_job(job_id: int, *, course_key: CourseKey | None = None) -> ImportJobData:
    job = get_repository().get_import_job(job_id)
    if course_key is not None and job.course_key != course_key:
        raise NotFoundError(f"No question import {job_id} in {course_key}.")
    return job


def confirm_import_job(
    job_id: int, *, course_key: CourseKey | None = None, partial: bool | None = None
) -> ImportJobData:
    """Import a previewed job (``partial``: import what can be imported); large files go to a worker."""
    job = get_import_job(job_id, course_key=course_key)
    if job.status not in (PREVIEWED, REFUSED):
        raise ConflictError(f"This import is {job.status}; only a previewed import can be confirmed.")
    fields: dict[str, Any] = {"status": IMPORTING}
    if partial is not None:
        fields["partial"] = partial
    job = get_repository().update_import_job(job_id, **fields)
    if job.size > conf.import_inline_max_bytes():
        _queue("run_question_import", job.id)
        return job
    return run_import_job(job.id)


def run_import_job(job_id: int) -> ImportJobData:
    """Import the job's file for real; the stored file is removed once it is imported."""
    repository = get_repository()
    job = repository.get_import_job(job_id)
    if job.status == IMPORTED or not job.storage_name:
        return job  # a redelivered task (the import already happened), or an upload that expired
    author = _Author(job.created_by_id)
    try:
        report = _import_file(job, author=author)
    except ValidationError as error:
        return repository.update_import_job(job_id, status=FAILED, error=error.message)
    status = IMPORTED if report.status == "imported" else REFUSED
    job = repository.update_import_job(job_id, status=status, report=report.to_dict())
    if status == IMPORTED:
        try:
            conf.import_storage().delete(job.storage_name)
        except Exception:  # the import is done; a file left behind is only disk space
            log.exception("Could not delete the upload of question import %s", job_id)
    return job


def expire_uploads(*, batch: int = 500) -> int:
    """
    Delete uploads that were not imported within ``VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS``; returns how many.

    Previews never confirmed, refused or failed imports, and jobs whose task was lost keep their file in the
    import storage (on S3 in production) until then. Each job stays as the audit record, marked failed with the
    reason; confirming it afterwards is a 409 and a late task finds no file and does nothing.
    """
    hours = conf.import_upload_ttl_hours()
    before = timezone.now() - timedelta(hours=hours)
    repository = get_repository()
    storage = conf.import_storage()
    expired = 0
    kept: set[int] = set()  # files that could not be deleted: retried on the next run
    while jobs := repository.stale_import_jobs(before, batch, exclude=kept):
        for job in jobs:
            try:
                storage.delete(job.storage_name)
            except Exception:
                log.exception("Could not delete the upload of question import %s", job.id)
                kept.add(job.id)
                continue
            was = job.status
            reason = f"The upload was removed: it was not imported within {hours:g} hours (it was {was})."
            repository.update_import_job(job.id, status=FAILED, storage_name="", error=reason)
            log.info("Question import %s: upload expired (was %s)", job.id, was)
            expired += 1
        if len(jobs) < batch:
            break
    return expired


class _Author:
    """The uploader as ``import_questions`` reads an author (``pk``, ``is_authenticated``), without a user query."""

    def __init__(self, user_id: int | None) -> None:
        self.pk = user_id
        self.is_authenticated = user_id is not None
