"""
Public Python API of learner retirement.

TLDR: ``retire_learner(user_id, signal=...)`` removes the learner's mastery states and events, their
accommodations and queued grade reports, keeps their attempts and responses (pseudonymous: linked
only to the retired account's id, as the LMS keeps its own grades), and writes or updates one
``RetirementRecord``. Idempotent: the platform sends two signals per retirement, and may retry.
docs/decisions/0013-learner-retirement.rst.
"""

from __future__ import annotations

from django.db import transaction

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit
from ve_edu_vault.mastery import api as mastery

from . import store
from .data import RetirementData

__all__ = ["RetirementData", "get_retirement", "retire_learner"]


def retire_learner(user_id: int, *, signal: str) -> RetirementData:
    """Retire a learner's data in the vault (one transaction) and record it."""
    with transaction.atomic():
        counts = {**mastery.retire_learner(user_id), **assessments.retire_learner(user_id)}
        record, created = store.record_retirement(user_id, signal=signal, counts=counts)
        if not created:
            counts.pop("attempts_kept", None)  # the audit line lists what this signal added
        audit.record(
            audit.LEARNER_RETIRED,
            object_type="user",
            object_id=user_id,
            learner_id=user_id,
            details={"signal": signal, "counts": counts, "first": created},
        )
    return record


def get_retirement(user_id: int) -> RetirementData | None:
    """The audit record of a learner's retirement, if retired."""
    return store.get_record(user_id)
