"""
Storage backends of the question bank, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND`` (as attempts).

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend, "mongodb" the MongoDB one
(``mongodb.py``: a question with its versions embedded). Other applets reach questions only through
``questions.api``, and the SQL tables that stay in SQL on the MongoDB backend (regrade runs, summaries, mastery)
hold questions' and versions' ids without a database constraint (ADR 0027), so the bank can live in MongoDB.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import NewQuestion, QuestionRepository

__all__ = ["NewQuestion", "QuestionRepository", "get_repository"]


def get_repository(name: str | None = None) -> QuestionRepository:
    """The repository of the configured (or named) backend."""
    backend = name or getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") or "django"
    if backend == "django":
        from .django_orm import DjangoQuestionRepository

        return DjangoQuestionRepository()
    if backend == "mongodb":
        from ve_edu_vault.storage import mongodb_indexes

        mongodb_indexes.require_indexes()
        from .mongodb import MongoQuestionRepository

        return MongoQuestionRepository()
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django' or 'mongodb'.")
