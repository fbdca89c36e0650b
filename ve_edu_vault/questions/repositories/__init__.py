"""
Storage backends of the question bank, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND``.

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend. With the storage backend set to
"mongodb" the configured question bank still stays on the ORM (attempts and responses move to MongoDB; the
assessments' question lists and item statistics refer to questions and versions by foreign key in the SQL
database: ADR 0016, 0024). The MongoDB question repository exists and passes the same contract: ask for it by
name (``get_repository("mongodb")``), as ``vault_copy_storage`` and the benchmarks do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import NewQuestion, QuestionRepository

__all__ = ["NewQuestion", "QuestionRepository", "get_repository"]


def get_repository(name: str | None = None) -> QuestionRepository:
    """The repository of the configured (or named) backend."""
    backend = name or getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") or "django"
    if backend == "mongodb" and name == "mongodb":
        from ve_edu_vault.storage import mongodb_indexes

        mongodb_indexes.require_indexes()
        from .mongodb import MongoQuestionRepository

        return MongoQuestionRepository()
    if backend in ("django", "mongodb"):
        from .django_orm import DjangoQuestionRepository

        return DjangoQuestionRepository()
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django' or 'mongodb'.")
