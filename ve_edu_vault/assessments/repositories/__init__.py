"""
Storage backends of attempts and responses, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND`` (as questions).

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend, "mongodb" the MongoDB one
(``mongodb.py``: attempts with their responses embedded). Assessments, accommodations and bindings stay on the
ORM on both (``get_assessment_repository``): they are few, and other tables refer to them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .assessment_base import AssessmentRepository
from .base import (
    AttemptInProgressConflict,
    AttemptRecord,
    AttemptRepository,
    AttemptTotalsUpdate,
    NewAttempt,
    NewGrade,
    NewResponse,
    RegradeRow,
    ResponseRecord,
    ResponseScore,
)

__all__ = [
    "AssessmentRepository",
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
    "get_assessment_repository",
    "get_repository",
]


def get_repository(name: str | None = None) -> AttemptRepository:
    """The attempt repository of the configured (or named) backend."""
    backend = name or getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") or "django"
    if backend == "django":
        from .django_orm import DjangoAttemptRepository

        return DjangoAttemptRepository()
    if backend == "mongodb":
        from ve_edu_vault.storage import mongodb_indexes

        mongodb_indexes.require_indexes()
        from .mongodb import MongoAttemptRepository

        return MongoAttemptRepository()
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django' or 'mongodb'.")


def get_assessment_repository() -> AssessmentRepository:
    """The repository of assessments, accommodations and block bindings (the ORM: assessment definitions are few)."""
    from .django_orm_assessments import DjangoAssessmentRepository

    return DjangoAssessmentRepository()
