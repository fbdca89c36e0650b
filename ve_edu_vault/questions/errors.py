"""
Errors raised by question validation and grading.

Why a local hierarchy: graders and the OLX importer must stay importable without Django, so these subclass
``ve_edu_vault.domain_errors.DomainError`` (``VaultError``'s interface, no Django), which the REST exception
handler maps like a ``VaultError``.
"""

from __future__ import annotations

from ve_edu_vault.domain_errors import DomainError

__all__ = [
    "AnswerTooLargeError",
    "InvalidAnswerError",
    "InvalidQuestionConfigError",
    "QuestionError",
    "UnknownQuestionTypeError",
]


class QuestionError(DomainError):
    """Base class of every error raised by the questions package."""

    code = "question_error"


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


class AnswerTooLargeError(InvalidAnswerError):
    """A learner's answer is over the size limit of one part (or of one request): refused, never stored."""

    code = "answer_too_large"


class UnknownQuestionTypeError(QuestionError):
    """No grader is registered under the requested type name."""

    code = "unknown_question_type"

    def __init__(self, name: str, known: list[str] | tuple[str, ...]) -> None:
        known_text = ", ".join(sorted(known)) or "none"
        super().__init__(f"Unknown question type {name!r}. Known types: {known_text}.", field="type")
        self.name = name
        self.known = tuple(sorted(known))
