"""
Storage backends of attempts and responses, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND`` (as questions).

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend. "mongodb" is planned
and refused with ``ImproperlyConfigured`` in this release.
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
        raise ImproperlyConfigured(
            "VE_EDU_VAULT_STORAGE_BACKEND='mongodb' is not available in this release of ve-edu-vault; use 'django'."
        )
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django'.")


def get_assessment_repository() -> AssessmentRepository:
    """The repository of assessments, accommodations and block bindings (the ORM: assessment definitions are few)."""
    from .django_orm_assessments import DjangoAssessmentRepository

    return DjangoAssessmentRepository()
