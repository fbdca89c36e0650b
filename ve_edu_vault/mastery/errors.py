"""
Errors raised by the mastery policies.

Why a local hierarchy: ``ve_edu_vault/errors.py`` imports Django, and mastery is pure logic that must stay
importable (and testable) without it. The errors have the same shape as ``VaultError`` (``code``, ``http_status``,
``message``, ``field``, ``as_dict()``), which is what the REST exception handler recognises.
"""

from __future__ import annotations

__all__ = ["InvalidMasteryParamsError", "MasteryError", "UnknownMasteryPolicyError"]


class MasteryError(Exception):
    """Base class of every error raised by the mastery package."""

    code = "mastery_error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def as_dict(self) -> dict[str, str | None]:
        """The REST error body, same shape as ``ve_edu_vault.errors.VaultError.as_dict``."""
        return {"error_code": self.code, "message": self.message, "field": self.field}


class InvalidMasteryParamsError(MasteryError):
    """A policy parameter is unusable (unknown, wrong type, out of range); ``field`` names it."""

    code = "invalid_mastery_params"


class UnknownMasteryPolicyError(MasteryError):
    """No mastery policy is registered under the requested name."""

    code = "unknown_mastery_policy"

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"Unknown mastery policy {name!r}; known policies: {', '.join(known)}.", field="policy")
        self.name = name
