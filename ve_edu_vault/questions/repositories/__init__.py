"""
Storage backends of the question bank, chosen by ``VE_EDU_VAULT_STORAGE_BACKEND``.

TLDR: call ``get_repository()``; "django" (the default) is the ORM backend. "mongodb" is a
planned backend and is refused with ``ImproperlyConfigured`` in this release.
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
        raise ImproperlyConfigured(
            "VE_EDU_VAULT_STORAGE_BACKEND='mongodb' is not available in this release of ve-edu-vault; use 'django'."
        )
    raise ImproperlyConfigured(f"Unknown VE_EDU_VAULT_STORAGE_BACKEND {backend!r}; expected 'django'.")
