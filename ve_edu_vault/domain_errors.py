"""
The error base of the plugin's pure packages (questions, mastery, assessments' pure modules).

TLDR: ``ve_edu_vault/errors.py`` imports Django (translations), and the graders, the OLX reader and the
mastery policies must stay importable without it. Their errors subclass ``DomainError``, which has the
same interface as ``VaultError`` (``code``, ``http_status``, ``message``, ``field``, ``as_dict()``); the
REST exception handler maps both the same way.

Messages often quote the input they refuse (a member name, an attribute value). Both bases cut their
message to :data:`MAX_MESSAGE_CHARS` with :func:`shorten`, so no input, however large, is echoed whole
into a response body, a command's output or a stored sync record.
"""

from __future__ import annotations

__all__ = ["MAX_MESSAGE_CHARS", "DomainError", "shorten"]

MAX_MESSAGE_CHARS = 1000


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    note = f"... (cut, {len(text)} characters)"
    return text[: max(0, limit - len(note))] + note


class DomainError(Exception):
    """A bad input found by pure logic; ``field`` names the offending value when there is one."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        message = shorten(message)
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def as_dict(self) -> dict[str, str | None]:
        """The REST error body, the same shape as ``ve_edu_vault.errors.VaultError.as_dict``."""
        return {"error_code": self.code, "message": self.message, "field": self.field}
