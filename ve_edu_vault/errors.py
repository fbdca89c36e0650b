"""
One exception hierarchy for the whole plugin, each with a stable machine-readable code.

TLDR: raise a ``VaultError`` subclass from any layer (api.py, pure logic); the REST exception
handler (``ve_edu_vault.rest_api.exceptions``) maps it to a 4xx body
``{"error_code": ..., "message": ..., "field": ...}`` and management commands print the message.
Never let bad input surface as a 500. Messages are cut to ``domain_errors.MAX_MESSAGE_CHARS``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ve_edu_vault.domain_errors import shorten

__all__ = [
    "AnswerTooLargeError",
    "AssessmentClosedError",
    "AttemptClosedError",
    "AttemptLimitReachedError",
    "CheckNotAllowedError",
    "ConflictError",
    "InvalidAnswerError",
    "NoHintsLeftError",
    "NoTriesLeftError",
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
        # Cut: messages may quote the refused input (see domain_errors.shorten).
        self.message = shorten(str(message if message is not None else self.default_message))
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


class InvalidAnswerError(ValidationError):
    """A learner's answer does not fit its question (wrong shape, unknown choice): refused before it is stored."""

    code = "invalid_answer"
    default_message = _("This answer does not fit its question.")


class AnswerTooLargeError(InvalidAnswerError):
    """A learner's answer is over a size limit (``VE_EDU_VAULT_ANSWER_MAX_*_BYTES``): refused before it is stored."""

    code = "answer_too_large"
    default_message = _("This answer is too large.")


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


# Assessments: each refusal a learner can meet has its own stable code for the pages and clients.


class AssessmentClosedError(ConflictError):
    """No new attempt: the assessment is archived, not open yet, or closed."""

    code = "assessment_closed"
    default_message = _("This assessment is not open.")


class AttemptLimitReachedError(ConflictError):
    code = "attempt_limit_reached"
    default_message = _("You have used all your attempts at this assessment.")


class AttemptClosedError(ConflictError):
    """The attempt no longer accepts answers: submitted, or past its deadline and grace."""

    code = "attempt_closed"
    default_message = _("This attempt is closed; answers are no longer accepted.")


class CheckNotAllowedError(ConflictError):
    """Answers are graded only at submission in this assessment (deferred behaviour)."""

    code = "check_not_allowed"
    default_message = _("Answers to this assessment are checked when you submit it.")


class NoTriesLeftError(ConflictError):
    code = "no_tries_left"
    default_message = _("You have no tries left for this question.")


class NoHintsLeftError(ConflictError):
    code = "no_hints_left"
    default_message = _("There are no more hints for this question.")
