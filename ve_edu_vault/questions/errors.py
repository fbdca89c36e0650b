"""
Errors raised by question validation and grading.

Why a local hierarchy: the project-wide one (``ve_edu_vault/errors.py``) imports Django (``gettext_lazy``), and
graders and the OLX importer must stay importable without Django. These errors mirror ``VaultError``'s interface
(``code``, ``http_status``, ``message``, ``field``, ``as_dict()``) so the REST exception handler can map them the
same way (or ``api.py`` can re-raise them as ``ValidationError``).
"""

from __future__ import annotations

__all__ = [
    "InvalidAnswerError",
    "InvalidQuestionConfigError",
    "QuestionError",
    "UnknownQuestionTypeError",
]


class QuestionError(Exception):
    """Base class of every error raised by the questions package."""

    code = "question_error"
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


class InvalidQuestionConfigError(QuestionError):
    """The content of a question (config, answer key, parts) is not valid; ``field`` names the offending value."""

    code = "invalid_question_config"

    def __init__(self, *, field: str, message: str) -> None:
        super().__init__(message, field=field)


class InvalidAnswerError(QuestionError):
    """A learner's answer cannot be graded at all (not a number, unknown choice...): shown, never scored."""

    code = "invalid_answer"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class UnknownQuestionTypeError(QuestionError):
    """No grader is registered under the requested type name."""

    code = "unknown_question_type"

    def __init__(self, name: str, known: list[str] | tuple[str, ...]) -> None:
        known_text = ", ".join(sorted(known)) or "none"
        super().__init__(f"Unknown question type {name!r}. Known types: {known_text}.", field="type")
        self.name = name
        self.known = tuple(sorted(known))
