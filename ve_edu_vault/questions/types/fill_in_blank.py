"""
Fill in the blank: one or more text blanks, each with its accepted answers.

JSON shape::

    config     = {"blanks": [{"id": "blank_0", "size": 20}, ...]}          ("size" optional, a display hint)
    answer_key = {"blanks": {"blank_0": {"answers": ["Paris", "Lutetia"], "case_sensitive": false,
                                         "ignore_accents": false, "regexp": false}}}
    answer     = {"blank_0": "paris"}   (or a plain string when there is one blank; None = unanswered)

Matching: both sides are Unicode-normalised (NFC), trimmed and have runs of whitespace collapsed to one space;
``case_sensitive: false`` compares case-folded text; ``ignore_accents`` strips combining marks (NFKD). With
``regexp: true`` every accepted answer is a pattern that must match the WHOLE answer (as capa anchors it).

Safety: patterns run on the ``regex`` module with a time limit (:data:`REGEX_TIMEOUT` seconds), are limited to
:data:`MAX_PATTERN_LENGTH` characters, and answers to :data:`MAX_ANSWER_LENGTH`; a pattern that times out counts
as a wrong answer (feedback key ``"<blank>:timeout"``), so a catastrophic pattern can never hang a worker.
The score is the fraction of blanks answered correctly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

from ..data import UNANSWERED, GradeResult, QuestionPart
from ..errors import InvalidAnswerError, InvalidQuestionConfigError
from ._base import QuestionType, compiled, optional_bool, require_mapping, require_text

__all__ = ["MAX_ANSWER_LENGTH", "MAX_PATTERN_LENGTH", "NAME", "QUESTION_TYPE", "grade", "public_view", "validate"]

NAME = "fill_in_blank"
MAX_PATTERN_LENGTH = 500
MAX_ANSWER_LENGTH = 2000
REGEX_TIMEOUT = 0.05


def normalize(text: str, *, case_sensitive: bool, ignore_accents: bool) -> str:
    """Normalise text the way answers and keys are compared (see the module docstring)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if ignore_accents:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        text = unicodedata.normalize("NFC", text)
    return text if case_sensitive else text.casefold()


def _compile_pattern(patterns: list[str], *, case_sensitive: bool, ignore_accents: bool) -> regex.Pattern[str]:
    flags = regex.UNICODE | regex.V0 | (0 if case_sensitive else regex.IGNORECASE | regex.FULLCASE)
    if ignore_accents:
        patterns = [normalize(p, case_sensitive=True, ignore_accents=True) for p in patterns]
    return regex.compile("|".join(f"(?:{p})" for p in patterns), flags)


def validate(config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
    require_mapping(config, "config")
    require_mapping(answer_key, "answer_key")
    blanks = config.get("blanks")
    if not isinstance(blanks, list | tuple) or not blanks:
        raise InvalidQuestionConfigError(field="config.blanks", message="Must be a non-empty list.")
    ids: list[str] = []
    for index, blank in enumerate(blanks):
        require_mapping(blank, f"config.blanks[{index}]")
        blank_id = require_text(blank.get("id"), f"config.blanks[{index}].id")
        if blank_id in ids:
            raise InvalidQuestionConfigError(field=f"config.blanks[{index}].id", message=f"Duplicate id {blank_id!r}.")
        size = blank.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= 500):
            raise InvalidQuestionConfigError(field=f"config.blanks[{index}].size", message="Must be 1 to 500.")
        ids.append(blank_id)
    keys = require_mapping(answer_key.get("blanks"), "answer_key.blanks")
    for blank_id in ids:
        if blank_id not in keys:
            raise InvalidQuestionConfigError(field=f"answer_key.blanks.{blank_id}", message="Missing answers.")
    for blank_id, key in keys.items():
        where = f"answer_key.blanks.{blank_id}"
        if blank_id not in ids:
            raise InvalidQuestionConfigError(field=where, message="Names no blank of config.")
        require_mapping(key, where)
        answers = key.get("answers")
        if not isinstance(answers, list | tuple) or not answers:
            raise InvalidQuestionConfigError(field=f"{where}.answers", message="Needs at least one accepted answer.")
        case_sensitive = optional_bool(key, "case_sensitive", f"{where}.case_sensitive")
        ignore_accents = optional_bool(key, "ignore_accents", f"{where}.ignore_accents")
        is_regexp = optional_bool(key, "regexp", f"{where}.regexp")
        for index, text in enumerate(answers):
            require_text(text, f"{where}.answers[{index}]", allow_empty=is_regexp)
            if is_regexp:
                if len(text) > MAX_PATTERN_LENGTH:
                    raise InvalidQuestionConfigError(
                        field=f"{where}.answers[{index}]",
                        message=f"Patterns are limited to {MAX_PATTERN_LENGTH} characters.",
                    )
                try:
                    _compile_pattern([text], case_sensitive=case_sensitive, ignore_accents=ignore_accents)
                except regex.error as error:
                    raise InvalidQuestionConfigError(
                        field=f"{where}.answers[{index}]", message=f"Not a valid regular expression: {error}."
                    ) from None


@dataclass(frozen=True, slots=True)
class _Blank:
    id: str
    case_sensitive: bool
    ignore_accents: bool
    accepted: frozenset[str]
    pattern: regex.Pattern[str] | None


def _build(part: QuestionPart) -> tuple[_Blank, ...]:
    blanks = []
    for blank in part.config["blanks"]:
        key = part.answer_key["blanks"][blank["id"]]
        case_sensitive = bool(key.get("case_sensitive", False))
        ignore_accents = bool(key.get("ignore_accents", False))
        answers = list(key["answers"])
        if key.get("regexp", False):
            pattern = _compile_pattern(answers, case_sensitive=case_sensitive, ignore_accents=ignore_accents)
            accepted: frozenset[str] = frozenset()
        else:
            pattern = None
            accepted = frozenset(
                normalize(a, case_sensitive=case_sensitive, ignore_accents=ignore_accents) for a in answers
            )
        blanks.append(_Blank(blank["id"], case_sensitive, ignore_accents, accepted, pattern))
    return tuple(blanks)


def _matches(blank: _Blank, text: str) -> bool | None:
    """True/False, or None when the pattern ran out of time (counted as wrong)."""
    if blank.pattern is None:
        return (
            normalize(text, case_sensitive=blank.case_sensitive, ignore_accents=blank.ignore_accents) in blank.accepted
        )
    candidate = normalize(text, case_sensitive=True, ignore_accents=blank.ignore_accents)
    try:
        return blank.pattern.fullmatch(candidate, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return None


def grade(part: QuestionPart, answer: Any) -> GradeResult:
    blanks: tuple[_Blank, ...] = part._compiled or compiled(part, _build)
    if answer is None:
        return UNANSWERED
    if isinstance(answer, str):
        if len(blanks) != 1:
            raise InvalidAnswerError("This question has several blanks: answer each one by its id.", field=part.id)
        answer = {blanks[0].id: answer}
    if not isinstance(answer, Mapping):
        raise InvalidAnswerError("The answer must be text.", field=part.id)
    known = {blank.id for blank in blanks}
    for blank_id in answer:
        if blank_id not in known:
            raise InvalidAnswerError(f"This question has no blank {blank_id!r}.", field=part.id)
    right = 0
    keys: list[str] = []
    for blank in blanks:
        text = answer.get(blank.id)
        if text is None:
            keys.append(f"{blank.id}:unanswered")
            continue
        if not isinstance(text, str):
            raise InvalidAnswerError("The answer must be text.", field=f"{part.id}.{blank.id}")
        if len(text) > MAX_ANSWER_LENGTH:
            raise InvalidAnswerError(
                f"The answer is too long (at most {MAX_ANSWER_LENGTH} characters).", field=f"{part.id}.{blank.id}"
            )
        outcome = _matches(blank, text)
        if outcome:
            right += 1
        elif outcome is None:
            keys.append(f"{blank.id}:timeout")
    score = right / len(blanks)
    return GradeResult(score=score, correct=right == len(blanks), feedback_keys=tuple(keys))


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    return {"blanks": [{"id": b["id"], **({"size": b["size"]} if "size" in b else {})} for b in part.config["blanks"]]}


QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Fill in the blank",
    validate=validate,
    grade=grade,
    public_view=public_view,
    description="Text blanks with accepted answers or patterns (capa stringresponse).",
)
