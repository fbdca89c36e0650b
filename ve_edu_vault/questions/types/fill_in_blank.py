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

Safety against regular-expression denial of service (author patterns are untrusted input):

- on save, a pattern longer than :data:`MAX_PATTERN_LENGTH` characters, one that does not compile, one in verbose
  or version 1 syntax, or a blank whose patterns would compile to more than :data:`MAX_PATTERN_WEIGHT` (counted
  repeats are unrolled by the compiler, which no time limit stops: ``_pattern_cost.py``) is refused, naming it;
- answers are at most :data:`MAX_ANSWER_LENGTH` characters (refused on save by the answer schema);
- matching runs on the ``regex`` module with a time limit: :data:`REGEX_TIMEOUT` seconds a blank, and at most
  :data:`PART_TIME_BUDGET` seconds for all the blanks of a part (one answer), so a pattern that backtracks
  catastrophically (``(a|aa)+$`` against ``aaaa...!``) costs a bounded time, not a worker;
- a match that runs out of time counts as a wrong answer (feedback key ``"<blank>:timeout"``) and logs a
  warning naming the part and blank (not the answer), for the author to fix the pattern; a regrade with a
  corrected pattern then gives the learner the credit. Content stored before these checks gets the same
  treatment: a blank whose patterns are over the weight is graded as timed out, never compiled.

The score is the fraction of blanks answered correctly.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

from ..data import UNANSWERED, GradeResult, QuestionPart
from ..errors import InvalidAnswerError, InvalidQuestionConfigError
from ._base import QuestionType, compiled, optional_bool, require_mapping, require_text
from ._pattern_cost import PatternRefused, pattern_weight

__all__ = [
    "MAX_ANSWER_LENGTH",
    "MAX_PATTERN_LENGTH",
    "MAX_PATTERN_WEIGHT",
    "NAME",
    "PART_TIME_BUDGET",
    "QUESTION_TYPE",
    "REGEX_TIMEOUT",
    "answer_schema",
    "grade",
    "public_view",
    "validate",
]

NAME = "fill_in_blank"
MAX_PATTERN_LENGTH = 500
MAX_ANSWER_LENGTH = 2000
MAX_PATTERN_WEIGHT = 5000
REGEX_TIMEOUT = 0.05
PART_TIME_BUDGET = 0.2

log = logging.getLogger(__name__)


def normalize(text: str, *, case_sensitive: bool, ignore_accents: bool) -> str:
    """Normalise text the way answers and keys are compared (see the module docstring)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if ignore_accents:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        text = unicodedata.normalize("NFC", text)
    return text if case_sensitive else text.casefold()


def _pattern_source(patterns: list[str], *, ignore_accents: bool) -> str:
    """The text compiled for a blank: its patterns as alternatives (normalised like answers with ``ignore_accents``)."""
    if ignore_accents:
        patterns = [normalize(p, case_sensitive=True, ignore_accents=True) for p in patterns]
    return "|".join(f"(?:{p})" for p in patterns)


def _compile_pattern(patterns: list[str], *, case_sensitive: bool, ignore_accents: bool) -> regex.Pattern[str]:
    """Compile a blank's patterns; ``PatternRefused`` when they would cost too much to compile (never compiled)."""
    source = _pattern_source(patterns, ignore_accents=ignore_accents)
    weight = pattern_weight(source)
    if weight > MAX_PATTERN_WEIGHT:
        raise PatternRefused(
            f"The pattern repeats too much to compile safely (it would unroll to about {weight} steps; "
            f"at most {MAX_PATTERN_WEIGHT})."
        )
    flags = regex.UNICODE | regex.V0 | (0 if case_sensitive else regex.IGNORECASE | regex.FULLCASE)
    return regex.compile(source, flags)


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
                except PatternRefused as error:
                    raise InvalidQuestionConfigError(field=f"{where}.answers[{index}]", message=str(error)) from None
                except regex.error as error:
                    raise InvalidQuestionConfigError(
                        field=f"{where}.answers[{index}]", message=f"Not a valid regular expression: {error}."
                    ) from None
        if is_regexp:
            try:  # each pattern passed alone; together (one compiled alternation) they must stay bounded too
                _compile_pattern(list(answers), case_sensitive=case_sensitive, ignore_accents=ignore_accents)
            except (PatternRefused, regex.error) as error:
                raise InvalidQuestionConfigError(field=f"{where}.answers", message=str(error)) from None


@dataclass(frozen=True, slots=True)
class _Blank:
    id: str
    case_sensitive: bool
    ignore_accents: bool
    accepted: frozenset[str]
    pattern: regex.Pattern[str] | None
    #: Patterns stored before they were checked on save and over the weight: never compiled, graded as timed out.
    refused: bool = False


def _build(part: QuestionPart) -> tuple[_Blank, ...]:
    blanks = []
    for blank in part.config["blanks"]:
        key = part.answer_key["blanks"][blank["id"]]
        case_sensitive = bool(key.get("case_sensitive", False))
        ignore_accents = bool(key.get("ignore_accents", False))
        answers = list(key["answers"])
        pattern, refused, accepted = None, False, frozenset[str]()
        if key.get("regexp", False):
            try:
                pattern = _compile_pattern(answers, case_sensitive=case_sensitive, ignore_accents=ignore_accents)
            except PatternRefused:
                log.warning(
                    "Fill-in-the-blank part %s, blank %s: its patterns are refused; never matched.",
                    part.id,
                    blank["id"],
                )
                refused = True
        else:
            accepted = frozenset(
                normalize(a, case_sensitive=case_sensitive, ignore_accents=ignore_accents) for a in answers
            )
        blanks.append(_Blank(blank["id"], case_sensitive, ignore_accents, accepted, pattern, refused))
    return tuple(blanks)


def _matches(blank: _Blank, text: str, deadline: float) -> bool | None:
    """True/False, or None when the pattern ran out of time (or the part's budget is spent): counted as wrong."""
    if blank.pattern is None and not blank.refused:
        return (
            normalize(text, case_sensitive=blank.case_sensitive, ignore_accents=blank.ignore_accents) in blank.accepted
        )
    remaining = deadline - time.monotonic()
    if blank.pattern is None or remaining <= 0:
        return None
    candidate = normalize(text, case_sensitive=True, ignore_accents=blank.ignore_accents)
    try:
        return blank.pattern.fullmatch(candidate, timeout=min(REGEX_TIMEOUT, remaining)) is not None
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
            raise InvalidAnswerError(f"This question has no blank {str(blank_id)[:40]!r}.", field=part.id)
    right = 0
    keys: list[str] = []
    deadline = time.monotonic() + PART_TIME_BUDGET  # shared by the part's patterns
    timed_out: list[str] = []
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
        outcome = _matches(blank, text, deadline)
        if outcome:
            right += 1
        elif outcome is None:
            keys.append(f"{blank.id}:timeout")
            timed_out.append(blank.id)
    if timed_out:
        log.warning(
            "Fill-in-the-blank part %s: the patterns of blank(s) %s ran out of time; counted as wrong "
            "(simplify the patterns, then regrade).",
            part.id,
            ", ".join(timed_out[:10]),
        )
    score = right / len(blanks)
    return GradeResult(score=score, correct=right == len(blanks), feedback_keys=tuple(keys))


def answer_schema(part: QuestionPart) -> dict[str, Any]:
    """Text per blank id (or plain text when the part has one blank), each at most ``MAX_ANSWER_LENGTH``."""
    blank_ids = [blank["id"] for blank in part.config["blanks"]]
    text = {"type": ["string", "null"], "maxLength": MAX_ANSWER_LENGTH}
    return {
        "type": ["string", "object"] if len(blank_ids) == 1 else "object",
        "maxLength": MAX_ANSWER_LENGTH,
        "properties": dict.fromkeys(blank_ids, text),
        "additionalProperties": False,
    }


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    return {"blanks": [{"id": b["id"], **({"size": b["size"]} if "size" in b else {})} for b in part.config["blanks"]]}


QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Fill in the blank",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=answer_schema,
    description="Text blanks with accepted answers or patterns (capa stringresponse).",
)
