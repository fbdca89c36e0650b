"""
Export :class:`QuestionContent` as a capa ``<problem>`` that Open edX can run and ``parse_problem`` reads back
to an equal content.

Not representable in capa, hence not exported: ``tags`` (vault metadata, stored beside the OLX) and part
weights (capa gives each input one point). Vault-only settings travel in attributes capa ignores: a hint's
``penalty``, the ``ignore_accents`` token of a stringresponse ``type`` and ``ve_partial_credit="penalty"``.
A fill-in-the-blank part with several blanks becomes one ``<stringresponse>`` per blank (capa has no
multi-blank string input), so it re-imports as several parts.

Round trips are exact for canonical content: stripped, well-formed XHTML fragments, and configs in the shape
the importer produces (see each type's module docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from ..data import QuestionContent, QuestionPart
from ._html import append_fragment, has_elements

__all__ = ["export_problem"]


def _sub(parent: etree._Element, tag: str, attrib: Mapping[str, str] | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag, dict(attrib or {}))
    element.tail = "\n"
    return element


def _number(value: Any) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _prompt(response: etree._Element, prompt: str) -> None:
    response.text = "\n"
    if not prompt:
        return
    if has_elements(prompt):
        append_fragment(response, prompt)
    else:
        label = etree.SubElement(response, "label")
        append_fragment(label, prompt)
    response[-1].tail = (response[-1].tail or "") + "\n"


def _choices(group: etree._Element, part: QuestionPart, correct: set[str]) -> list[etree._Element]:
    group.text = "\n"
    elements = []
    for index, choice in enumerate(part.config["choices"]):
        attrib = {"correct": "true" if choice["id"] in correct else "false"}
        if choice["id"] != f"choice_{index}":
            attrib["name"] = choice["id"]
        if choice.get("fixed"):
            attrib["fixed"] = "true"
        element = _sub(group, "choice", attrib)
        append_fragment(element, choice["text"])
        elements.append(element)
    return elements


def _multiple_choice(problem: etree._Element, part: QuestionPart) -> None:
    response = _sub(problem, "multiplechoiceresponse")
    _prompt(response, part.prompt)
    attrib = {"type": "MultipleChoice"}
    if part.config.get("shuffle"):
        attrib["shuffle"] = "true"
    group = _sub(response, "choicegroup", attrib)
    feedback = part.answer_key.get("feedback") or {}
    for choice, element in zip(
        part.config["choices"], _choices(group, part, {part.answer_key["correct"]}), strict=True
    ):
        if feedback.get(choice["id"]):
            append_fragment(etree.SubElement(element, "choicehint"), feedback[choice["id"]])


def _multi_select(problem: etree._Element, part: QuestionPart) -> None:
    rule = part.config.get("partial_credit", "none")
    attrib = {"partial_credit": {"edc": "EDC", "halves": "halves"}[rule]} if rule in ("edc", "halves") else {}
    if rule == "penalty":
        attrib["ve_partial_credit"] = "penalty"
    response = _sub(problem, "choiceresponse", attrib)
    _prompt(response, part.prompt)
    group = _sub(response, "checkboxgroup", {"shuffle": "true"} if part.config.get("shuffle") else {})
    feedback = part.answer_key.get("feedback") or {}
    elements = _choices(group, part, set(part.answer_key["correct"]))
    for choice, element in zip(part.config["choices"], elements, strict=True):
        for which, flag in (("selected", "true"), ("unselected", "false")):
            text = (feedback.get(choice["id"]) or {}).get(which)
            if text:
                append_fragment(etree.SubElement(element, "choicehint", {"selected": flag}), text)


def _dropdown(problem: etree._Element, part: QuestionPart) -> None:
    response = _sub(problem, "optionresponse")
    _prompt(response, part.prompt)
    optioninput = _sub(response, "optioninput")
    optioninput.text = "\n"
    feedback = part.answer_key.get("feedback") or {}
    for option in part.config["options"]:
        is_correct = option["id"] == part.answer_key["correct"]
        element = _sub(optioninput, "option", {"correct": "True" if is_correct else "False"})
        append_fragment(element, option["text"])
        if feedback.get(option["id"]):
            append_fragment(etree.SubElement(element, "optionhint"), feedback[option["id"]])


def _fill_in_blank(problem: etree._Element, part: QuestionPart) -> None:
    for index, blank in enumerate(part.config["blanks"]):
        key = part.answer_key["blanks"][blank["id"]]
        answers = list(key["answers"])
        tokens = [t for t, on in (("ci", not key.get("case_sensitive", False)), ("regexp", key.get("regexp")),
                                  ("ignore_accents", key.get("ignore_accents"))) if on]  # fmt: skip
        attrib = {"answer": answers[0]}
        if tokens:
            attrib["type"] = " ".join(tokens)
        response = _sub(problem, "stringresponse", attrib)
        _prompt(response, part.prompt if index == 0 else "")
        for extra in answers[1:]:
            _sub(response, "additional_answer", {"answer": extra})
        _sub(response, "textline", {"size": str(blank["size"])} if "size" in blank else {})


def _numeric(problem: etree._Element, part: QuestionPart) -> None:
    key = part.answer_key
    if "range" in key:
        bounds = key["range"]
        answer = "{}{}, {}{}".format(
            "[" if bounds.get("low_inclusive", True) else "(", _number(bounds["low"]),
            _number(bounds["high"]), "]" if bounds.get("high_inclusive", True) else ")",
        )  # fmt: skip
    else:
        answer = _number(key["value"])
    response = _sub(problem, "numericalresponse", {"answer": answer})
    _prompt(response, part.prompt)
    if key.get("tolerance") is not None:
        suffix = "%" if key.get("tolerance_mode") == "percent" else ""
        _sub(response, "responseparam", {"type": "tolerance", "default": _number(key["tolerance"]) + suffix})
    _sub(response, "formulaequationinput")


_EXPORTERS = {
    "multiple_choice": _multiple_choice,
    "multi_select": _multi_select,
    "dropdown": _dropdown,
    "fill_in_blank": _fill_in_blank,
    "numeric": _numeric,
}


def export_problem(content: QuestionContent) -> str:
    """Write ``content`` as a capa ``<problem>`` XML string (UTF-8 text, no XML declaration).

    Raises ``ValueError`` for a part type capa cannot express (e.g. a plugin type).
    """
    problem = etree.Element("problem")
    if content.title:
        problem.set("display_name", content.title)
    if content.points != float(len(content.parts)):
        problem.set("weight", _number(content.points))
    problem.text = "\n"
    append_fragment(problem, content.prompt)
    if len(problem):
        problem[-1].tail = (problem[-1].tail or "") + "\n"
    for part in content.parts:
        exporter = _EXPORTERS.get(part.type)
        if exporter is None:
            raise ValueError(f"Question type {part.type!r} cannot be exported to capa OLX.")
        exporter(problem, part)
    if content.hints:
        demandhint = _sub(problem, "demandhint")
        demandhint.text = "\n"
        for hint in content.hints:
            element = _sub(demandhint, "hint", {"penalty": repr(hint.penalty)} if hint.penalty is not None else {})
            append_fragment(element, hint.text)
    if content.explanation:
        solution = _sub(problem, "solution")
        div = etree.SubElement(solution, "div", {"class": "detailed-solution"})
        heading = etree.SubElement(div, "p")
        heading.text = "Explanation"
        heading.tail = "\n"
        append_fragment(div, content.explanation)
    return etree.tostring(problem, encoding="unicode")
