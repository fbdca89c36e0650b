"""
Parsers for the capa response types the vault supports, one function per response tag.

Each parser turns one response element into one or more ``(type, config, answer_key)`` triples (one per input:
capa gives each input one point, so each becomes a part of weight 1). Anything the vault cannot grade the same
way raises :class:`Unsupported` with a reason naming the tag; lossy details (hints capa shows on specific wrong
answers, numeric partial credit...) are reported as warnings instead.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from lxml import etree

from ..errors import InvalidAnswerError
from ..types.numeric import parse_number
from ._html import inner_html

__all__ = ["PARSERS", "STRUCTURAL_TAGS", "Unsupported"]

Triple = tuple[str, dict[str, Any], dict[str, Any]]

STRUCTURAL_TAGS = frozenset(
    {
        "choicegroup", "checkboxgroup", "radiogroup", "optioninput", "textline", "formulaequationinput",
        "responseparam", "additional_answer", "correcthint", "stringequalhint", "regexphint", "numericalhint",
        "hintgroup", "compoundhint", "solution", "optionhint",
    }
)  # fmt: skip
_RANGE = re.compile(r"^\s*([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])\s*$")


class Unsupported(Exception):
    def __init__(self, reason: str, tag: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tag = tag


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _choices(group: etree._Element, hint_tag: str) -> tuple[list[dict[str, Any]], list[etree._Element]]:
    choices, elements = [], []
    for index, choice in enumerate(group.findall("choice")):
        item: dict[str, Any] = {
            "id": choice.get("name") or f"choice_{index}",
            "text": inner_html(choice, skip=frozenset({hint_tag})),
        }
        if _is_true(choice.get("fixed")):
            item["fixed"] = True
        choices.append(item)
        elements.append(choice)
    return choices, elements


def parse_multiple_choice(response: etree._Element, warnings: list[str]) -> list[Triple]:
    group = response.find("choicegroup")
    if group is None:
        raise Unsupported("<multiplechoiceresponse> has no <choicegroup>.", "multiplechoiceresponse")
    choices, elements = _choices(group, "choicehint")
    correct = [item["id"] for item, el in zip(choices, elements, strict=True) if _is_true(el.get("correct"))]
    if any((el.get("correct") or "").lower() == "partial" for el in elements):
        warnings.append('Partial-credit choices (correct="partial") are imported as incorrect.')
    if len(correct) != 1:
        raise Unsupported(
            f"<multiplechoiceresponse> must have exactly one correct choice (found {len(correct)}).",
            "multiplechoiceresponse",
        )
    feedback = {}
    for item, element in zip(choices, elements, strict=True):
        hint = element.find("choicehint")
        if hint is not None and inner_html(hint):
            feedback[item["id"]] = inner_html(hint)
    answer_key: dict[str, Any] = {"correct": correct[0]}
    if feedback:
        answer_key["feedback"] = feedback
    config = {"choices": choices, "shuffle": _is_true(group.get("shuffle"))}
    return [("multiple_choice", config, answer_key)]


def parse_choice(response: etree._Element, warnings: list[str]) -> list[Triple]:
    group = response.find("checkboxgroup")
    if group is None:
        group = response.find("radiogroup")
        if group is None:
            raise Unsupported("<choiceresponse> has no <checkboxgroup>.", "choiceresponse")
    choices, elements = _choices(group, "choicehint")
    correct = [item["id"] for item, el in zip(choices, elements, strict=True) if _is_true(el.get("correct"))]
    if group.tag == "radiogroup":
        if len(correct) != 1:
            raise Unsupported("<choiceresponse> with a <radiogroup> needs exactly one correct choice.", "radiogroup")
        return [("multiple_choice", {"choices": choices, "shuffle": False}, {"correct": correct[0]})]
    feedback: dict[str, dict[str, str]] = {}
    for item, element in zip(choices, elements, strict=True):
        for hint in element.findall("choicehint"):
            which = "selected" if _is_true(hint.get("selected")) else "unselected"
            if inner_html(hint):
                feedback.setdefault(item["id"], {})[which] = inner_html(hint)
    if group.find("compoundhint") is not None or response.find("compoundhint") is not None:
        warnings.append("Compound hints (<compoundhint>) are not imported.")
    rule = (response.get("ve_partial_credit") or "").strip().lower()
    if not rule:
        methods = [m.strip().lower() for m in (response.get("partial_credit") or "").split(",") if m.strip()]
        rule = next((m for m in methods if m in ("edc", "halves")), "none")
    config = {"choices": choices, "shuffle": _is_true(group.get("shuffle")), "partial_credit": rule}
    answer_key: dict[str, Any] = {"correct": correct}
    if feedback:
        answer_key["feedback"] = feedback
    return [("multi_select", config, answer_key)]


def _check_static(value: str, tag: str) -> None:
    if "$" in value:
        raise Unsupported(f"<{tag}> takes its answer from a script variable ({value!r}).", tag)


def parse_string(response: etree._Element, warnings: list[str]) -> list[Triple]:
    answer = response.get("answer")
    if answer is None:
        raise Unsupported("<stringresponse> has no answer attribute.", "stringresponse")
    _check_static(answer, "stringresponse")
    answers = [answer]
    for extra in response.findall("additional_answer"):
        value = extra.get("answer")
        answers.append(value if value is not None else (extra.text or "").strip())
    tokens = (response.get("type") or "").lower().split()
    inputs = response.findall("textline")
    if len(inputs) > 1:
        raise Unsupported("<stringresponse> with several inputs is not valid capa.", "stringresponse")
    blank: dict[str, Any] = {"id": "blank_0"}
    size = inputs[0].get("size") if inputs else None
    if size and size.isdigit() and 0 < int(size) <= 500:
        blank["size"] = int(size)
    if response.find("correcthint") is not None or response.find("stringequalhint") is not None:
        warnings.append("Answer-specific hints of a <stringresponse> are not imported.")
    key = {
        "answers": answers,
        "case_sensitive": "ci" not in tokens,
        "ignore_accents": "ignore_accents" in tokens,
        "regexp": "regexp" in tokens,
    }
    return [("fill_in_blank", {"blanks": [blank]}, {"blanks": {"blank_0": key}})]


def _number(text: str, what: str) -> float:
    try:
        value = parse_number(text)
    except InvalidAnswerError:
        value = None
    if value is None or not math.isfinite(float(value)):
        raise Unsupported(
            f"<numericalresponse> {what} {text!r} is a formula or not a finite number.", "numericalresponse"
        )
    return float(value)


def parse_numerical(response: etree._Element, warnings: list[str]) -> list[Triple]:
    answer = response.get("answer")
    if answer is None:
        raise Unsupported("<numericalresponse> has no answer attribute.", "numericalresponse")
    _check_static(answer, "numericalresponse")
    if response.get("partial_credit"):
        warnings.append("Numeric partial credit is not imported; answers are right or wrong.")
    match = _RANGE.match(answer)
    if match:
        opening, low, high, closing = match.groups()
        bounds = {
            "low": _number(low, "range bound"),
            "high": _number(high, "range bound"),
            "low_inclusive": opening == "[",
            "high_inclusive": closing == "]",
        }
        return [("numeric", {}, {"range": bounds})]
    key: dict[str, Any] = {"value": _number(answer, "answer")}
    for param in response.findall("responseparam"):
        if param.get("type") != "tolerance":
            continue
        tolerance = (param.get("default") or "").strip()
        if tolerance.endswith("%"):
            key["tolerance"] = _number(tolerance[:-1], "tolerance")
            key["tolerance_mode"] = "percent"
        elif tolerance:
            key["tolerance"] = _number(tolerance, "tolerance")
            key["tolerance_mode"] = "absolute"
    return [("numeric", {}, key)]


def _literal_options(text: str) -> list[str]:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise Unsupported(f"<optioninput> options {text[:60]!r} cannot be read.", "optioninput") from None
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, tuple | list) else None
    if values is None or not all(isinstance(v, str) for v in values):
        raise Unsupported("<optioninput> options must be a list of texts.", "optioninput")
    return values


def _option_input(element: etree._Element) -> Triple:
    options: list[dict[str, Any]] = []
    feedback: dict[str, str] = {}
    correct: list[str] = []
    if element.get("options") is not None:
        texts = _literal_options(element.get("options") or "")
        wanted = (element.get("correct") or "").strip()
        for index, text in enumerate(texts):
            options.append({"id": f"option_{index}", "text": text})
            if text.strip() == wanted:
                correct.append(f"option_{index}")
        correct = correct[:1]
    else:
        for index, option in enumerate(element.findall("option")):
            option_id = f"option_{index}"
            options.append({"id": option_id, "text": inner_html(option, skip=frozenset({"optionhint"}))})
            if _is_true(option.get("correct")):
                correct.append(option_id)
            hint = option.find("optionhint")
            if hint is not None and inner_html(hint):
                feedback[option_id] = inner_html(hint)
    if len(correct) != 1:
        raise Unsupported(f"<optioninput> needs exactly one correct option (found {len(correct)}).", "optioninput")
    answer_key: dict[str, Any] = {"correct": correct[0]}
    if feedback:
        answer_key["feedback"] = feedback
    return ("dropdown", {"options": options}, answer_key)


def parse_option(response: etree._Element, warnings: list[str]) -> list[Triple]:
    inputs = response.findall("optioninput")
    if not inputs:
        raise Unsupported("<optionresponse> has no <optioninput>.", "optionresponse")
    return [_option_input(element) for element in inputs]


PARSERS = {
    "multiplechoiceresponse": parse_multiple_choice,
    "choiceresponse": parse_choice,
    "stringresponse": parse_string,
    "numericalresponse": parse_numerical,
    "optionresponse": parse_option,
}
