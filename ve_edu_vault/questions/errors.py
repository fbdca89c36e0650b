"""
Errors raised by question validation and grading.

Why a local module: the project-wide hierarchy (``ve_edu_vault/errors.py``) was not written yet when this package
was. Each error carries a stable ``code`` and an optional ``field`` so that one DRF exception handler can map it to
``{"error_code": ..., "message": ..., "field": ...}``. Re-parent ``QuestionError`` onto the project base class once
it exists; nothing else needs to change.
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

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def to_dict(self) -> dict[str, str | None]:
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
