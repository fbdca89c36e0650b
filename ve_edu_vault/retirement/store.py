"""
The retirement applet's storage: its audit records (ORM by design), behind functions taking and returning frozen data.

TLDR: the only module of the applet that touches ``retirement.models``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from .data import RetirementData
from .models import RetirementRecord

__all__ = ["get_record", "record_retirement"]


def _data(row: RetirementRecord) -> RetirementData:
    return RetirementData(
        user_id=row.user_id, retired_at=row.retired_at, signals=tuple(row.signals), counts=dict(row.counts)
    )


def record_retirement(user_id: int, *, signal: str, counts: Mapping[str, int]) -> tuple[RetirementData, bool]:
    """
    Record a retirement (locking the learner's record), or add a repeated signal's counts to it; returns the record
    and whether it is new. A repeated signal sums the counts, except ``attempts_kept``, which is replaced.
    """
    counts = dict(counts)
    row, created = RetirementRecord.objects.select_for_update().get_or_create(
        user_id=user_id, defaults={"retired_at": timezone.now(), "signals": [signal], "counts": counts}
    )
    if not created:
        row.signals = [*row.signals, signal]
        kept = counts.pop("attempts_kept", None)
        row.counts = {name: row.counts.get(name, 0) + value for name, value in counts.items()}
        if kept is not None:
            row.counts["attempts_kept"] = kept
        row.save()
    return _data(row), created


def get_record(user_id: int) -> RetirementData | None:
    row = RetirementRecord.objects.filter(user_id=user_id).first()
    return _data(row) if row else None
