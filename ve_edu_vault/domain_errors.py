"""
The error base of the plugin's pure packages (questions, mastery, assessments' pure modules).

TLDR: ``ve_edu_vault/errors.py`` imports Django (translations), and the graders, the OLX reader and the
mastery policies must stay importable without it. Their errors subclass ``DomainError``, which has the
same interface as ``VaultError`` (``code``, ``http_status``, ``message``, ``field``, ``as_dict()``); the
REST exception handler maps both the same way.
"""

from __future__ import annotations

__all__ = ["DomainError"]


class DomainError(Exception):
    """A bad input found by pure logic; ``field`` names the offending value when there is one."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def as_dict(self) -> dict[str, str | None]:
        """The REST error body, the same shape as ``ve_edu_vault.errors.VaultError.as_dict``."""
        return {"error_code": self.code, "message": self.message, "field": self.field}
