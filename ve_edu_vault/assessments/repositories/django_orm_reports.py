"""
The Django ORM backend's grade-publication outbox: the ``report_*`` columns of attempts (``grades.py`` drains it).

TLDR: part of the ORM attempt repository (``DjangoAttemptRepository`` delegates here). The drain's read locks the
due rows and skips rows another worker holds where the database can (``SKIP LOCKED``), so two drains never report
the same learner at once; a learner's several queued attempts on one assessment come back as one ``DueReport``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from ..data_records import DueReport, ReportStatus
from ..models import Attempt

__all__ = ["clear_reports", "defer_reports", "due_reports", "queue_reports", "report_status"]


def queue_reports(assessment_id: int, now: datetime) -> int:
    """Mark the assessment's graded attempts not yet queued for publication; how many."""
    rows = Attempt.objects.filter(assessment_id=assessment_id, state=Attempt.GRADED, report_due_at__isnull=True)
    return int(rows.update(report_due_at=now))


def due_reports(
    now: datetime, *, assessment_id: int | None = None, user_id: int | None = None, limit: int
) -> list[DueReport]:
    rows = Attempt.objects.filter(report_due_at__lte=now)
    if assessment_id is not None and user_id is not None:
        rows = rows.filter(assessment_id=assessment_id, user_id=user_id)
    skip_locked = connection.features.has_select_for_update_skip_locked
    locked = rows.select_for_update(skip_locked=skip_locked).order_by("report_due_at", "id")
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pk, assessment, user, tries in locked.values_list("id", "assessment_id", "user_id", "report_tries")[:limit]:
        groups.setdefault((assessment, user), []).append((pk, tries))
    return [
        DueReport(
            assessment_id=assessment,
            user_id=user,
            attempt_ids=tuple(pk for pk, _tries in items),
            tries=max(tries for _pk, tries in items),
        )
        for (assessment, user), items in groups.items()
    ]


def clear_reports(attempt_ids: Sequence[int]) -> None:
    Attempt.objects.filter(pk__in=list(attempt_ids)).update(report_due_at=None, report_tries=0, report_error="")


def defer_reports(attempt_ids: Sequence[int], *, tries: int, due_at: datetime, error: str) -> None:
    Attempt.objects.filter(pk__in=list(attempt_ids)).update(
        report_tries=tries, report_due_at=due_at, report_error=error[:2000]
    )


def report_status(assessment_id: int) -> ReportStatus:
    rows = Attempt.objects.filter(assessment_id=assessment_id, report_due_at__isnull=False)
    queued = rows.count()
    failing_rows = rows.filter(report_tries__gt=0)
    last = failing_rows.order_by("-modified").values_list("report_error", flat=True).first()
    first = rows.order_by("report_due_at").values_list("report_due_at", flat=True).first()
    return ReportStatus(queued=queued, failing=failing_rows.count(), last_error=last or "", next_try_at=first)
