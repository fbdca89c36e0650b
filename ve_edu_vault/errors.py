"""
One exception hierarchy for the whole plugin, each with a stable machine-readable code.

TLDR: raise a ``VaultError`` subclass from any layer (api.py, pure logic); the REST exception
handler (``ve_edu_vault.rest_api.exceptions``) maps it to a 4xx body
``{"error_code": ..., "message": ..., "field": ...}`` and management commands print the message.
Never let bad input surface as a 500.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = [
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "ValidationError",
    "VaultError",
]


class VaultError(Exception):
    """Base of every error the plugin raises on purpose."""

    code: str = "vault_error"
    http_status: int = 400
    default_message: Any = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, field: str | None = None, details: Any = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.field = field
        self.details = details
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error_code": self.code, "message": self.message, "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationError(VaultError):
    """Bad input: a malformed key, an invalid question config, an unreadable file."""

    code = "invalid"
    http_status = 400
    default_message = _("The input is not valid.")


class NotFoundError(VaultError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class PermissionDeniedError(VaultError):
    code = "permission_denied"
    http_status = 403
    default_message = _("You do not have permission to do this.")


class ConflictError(VaultError):
    """The request is valid but the current state forbids it (e.g. undoing an overwritten sync)."""

    code = "conflict"
    http_status = 409
    default_message = _("The request conflicts with the current state.")
