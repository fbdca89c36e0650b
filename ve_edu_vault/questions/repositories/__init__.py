"""
Storage backends of the question bank, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND``.

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend. With "mongodb" the question bank
stays on the ORM in this release (attempts and responses move to MongoDB; questions, their versions and the
assessments that name them stay in the SQL database, which other tables refer to: ADR 0016).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import NewQuestion, QuestionRepository

__all__ = ["NewQuestion", "QuestionRepository", "get_repository"]


def get_repository(name: str | None = None) -> QuestionRepository:
    """The repository of the configured (or named) backend."""
    backend = name or getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") or "django"
    if backend in ("django", "mongodb"):
        from .django_orm import DjangoQuestionRepository

        return DjangoQuestionRepository()
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django' or 'mongodb'.")
