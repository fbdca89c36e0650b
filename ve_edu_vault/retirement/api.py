"""
Public Python API of learner retirement.

TLDR: ``retire_learner(user_id, signal=...)`` removes the learner's mastery states and events, their
accommodations and queued grade reports, keeps their attempts and responses (pseudonymous: linked
only to the retired account's id, as the LMS keeps its own grades), and writes or updates one
``RetirementRecord``. Idempotent: the platform sends two signals per retirement, and may retry.
docs/decisions/0013-learner-retirement.rst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit
from ve_edu_vault.mastery import api as mastery

from .models import RetirementRecord

__all__ = ["RetirementData", "get_retirement", "retire_learner"]


@dataclass(frozen=True, kw_only=True, slots=True)
class RetirementData:
    user_id: int
    retired_at: datetime
    signals: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)


def _data(row: RetirementRecord) -> RetirementData:
    return RetirementData(
        user_id=row.user_id, retired_at=row.retired_at, signals=tuple(row.signals), counts=dict(row.counts)
    )


def retire_learner(user_id: int, *, signal: str) -> RetirementData:
    """Retire a learner's data in the vault (one transaction) and record it."""
    with transaction.atomic():
        counts = {**mastery.retire_learner(user_id), **assessments.retire_learner(user_id)}
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
        audit.record(
            audit.LEARNER_RETIRED,
            object_type="user",
            object_id=user_id,
            learner_id=user_id,
            details={"signal": signal, "counts": counts, "first": created},
        )
    return _data(row)


def get_retirement(user_id: int) -> RetirementData | None:
    """The audit record of a learner's retirement, if retired."""
    row = RetirementRecord.objects.filter(user_id=user_id).first()
    return _data(row) if row else None
