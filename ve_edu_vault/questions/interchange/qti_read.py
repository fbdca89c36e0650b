"""
Read a QTI 2.1 or 3.0 assessment item (normalised by ``qti_names.normalise``) as vault content.

Supported (issue 17): ``choiceInteraction`` (one answer -> multiple_choice, several -> multi_select),
``textEntryInteraction`` (string -> fill_in_blank, float/integer -> numeric), ``inlineChoiceInteraction`` ->
dropdown, ``extendedTextInteraction`` -> extended_text (ungraded); response processing by the
``match_correct`` or ``map_response`` templates, or rules made only of their pieces (``match``/``correct``,
``mapResponse``, ``sum``, ``setOutcomeValue``, ``baseValue``, ``isNull``); modal feedback keyed by a choice
(per-choice feedback) or else shown after answering (explanation). Every other interaction (hotspot,
custom, portable custom, match, order, gap match, upload, drawing...) and any other response rule is refused
naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from lxml import etree

from ..data import QuestionContent, QuestionPart
from .build import Refused
from .qti_names import CLASS_PART_PROMPT, CLASS_PROMPT, RULE_ELEMENTS, SUPPORTED, TEMPLATES, UNSUPPORTED
from .qti_names import remove_element as _remove

__all__ = ["ParsedItem", "read_item"]


class _Draft(NamedTuple):
    """A part before its id, prompt and weight are known (the content is frozen once, in the final part)."""

    type: str
    config: dict[str, Any]
    answer_key: dict[str, Any]


class ParsedItem:
    __slots__ = ("content", "identifier", "kinds", "title", "warnings")

    def __init__(
        self, identifier: str, title: str, content: QuestionContent | None, kinds: list[str], warnings: list[str]
    ) -> None:
        self.identifier = identifier
        self.title = title
        self.content = content
        self.kinds = kinds
        self.warnings = warnings


def _serialize(text: str | None, nodes: Sequence[etree._Element]) -> str:
    from xml.sax.saxutils import escape

    pieces = [escape(text or "")]
    pieces.extend(etree.tostring(node, encoding="unicode", with_tail=True) for node in nodes)
    return "".join(pieces).strip()


def _inner(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return _serialize(element.text, list(element))


def _values(container: etree._Element | None) -> list[str]:
    if container is None:
        return []
    return [(value.text or "").strip() for value in container.findall("value")]


def _declarations(root: etree._Element) -> dict[str, etree._Element]:
    return {decl.get("identifier", ""): decl for decl in root.findall("responseDeclaration")}


def _rules(root: etree._Element) -> dict[str, str]:
    """How each response is scored: ``{response id: "match" | "map"}``, or :class:`Refused`."""
    processing = root.find("responseProcessing")
    declarations = _declarations(root)
    if processing is None:
        return {}
    template = (processing.get("template") or "").strip()
    if template:
        for kind, urls in TEMPLATES.items():
            if template in urls or template.rstrip("/").endswith("rptemplates/" + kind):
                if len(declarations) != 1:
                    raise Refused(f"the {kind} template scores one response; this item declares {len(declarations)}")
                return {next(iter(declarations)): "match" if kind == "match_correct" else "map"}
        raise Refused(f"response processing template {template!r} is not supported")
    scored: dict[str, str] = {}
    for element in processing.iter():
        if not isinstance(element.tag, str) or element is processing:
            continue
        if element.tag not in RULE_ELEMENTS:
            raise Refused(f"response processing with <{element.tag}> is not supported (only the standard templates)")
        if element.tag == "correct":
            scored[element.get("identifier", "")] = "match"
        elif element.tag == "mapResponse":
            scored[element.get("identifier", "")] = "map"
    unknown = [name for name in scored if name not in declarations]
    if unknown:
        raise Refused(f"response processing names undeclared responses: {', '.join(unknown)}")
    return scored


def _mapping(declaration: etree._Element) -> dict[str, float]:
    mapping = declaration.find("mapping")
    if mapping is None:
        return {}
    return {entry.get("mapKey", ""): float(entry.get("mappedValue", "0")) for entry in mapping.findall("mapEntry")}


def _feedback_by_id(root: etree._Element) -> dict[str, str]:
    return {
        fb.get("identifier", ""): _inner(fb)
        for fb in root.findall("modalFeedback")
        if fb.get("showHide", "show") == "show"
    }


def _choice(
    interaction: etree._Element, declaration: etree._Element, rule: str, feedback: dict[str, str], used: set[str]
) -> _Draft:
    choices = interaction.findall("simpleChoice")
    if len(choices) < 1:
        raise Refused("a choice interaction without choices")
    items = []
    for choice in choices:
        identifier = choice.get("identifier", "")
        entry: dict[str, Any] = {"id": identifier, "text": _inner(choice)}
        if choice.get("fixed") == "true":
            entry["fixed"] = True
        items.append(entry)
    shuffle = interaction.get("shuffle") == "true"
    ids = [entry["id"] for entry in items]
    multiple = declaration.get("cardinality") in ("multiple", "ordered") or interaction.get("maxChoices", "1") != "1"
    if rule == "match":
        correct = _values(declaration.find("correctResponse"))
    else:
        values = _mapping(declaration)
        positive = [key for key, value in values.items() if value > 0]
        if not multiple:
            if len(positive) != 1 or any(v not in (0,) for k, v in values.items() if k not in positive):
                raise Refused("the mapping gives partial credit to several choices")
            correct = positive
        else:
            share = values[positive[0]] if positive else 0
            if (
                not positive
                or any(abs(values[k] - share) > 1e-6 for k in positive)
                or any(abs(values.get(k, 0) + share) > 1e-6 for k in ids if k not in positive)
            ):
                raise Refused("the mapping is not +w for each right choice and -w for each wrong one")
            correct = positive
    unknown = [value for value in correct if value not in ids]
    if unknown or not correct:
        raise Refused("the correct response names no choice of the interaction")
    choice_feedback = {k: v for k, v in feedback.items() if k in ids and v}
    used.update(choice_feedback)
    if not multiple:
        if len(correct) != 1:
            raise Refused("one answer is allowed but several are correct")
        key: dict[str, Any] = {"correct": correct[0]}
        if choice_feedback:
            key["feedback"] = choice_feedback
        return _Draft(type="multiple_choice", config={"choices": items, "shuffle": shuffle}, answer_key=key)
    key = {"correct": correct}
    if choice_feedback:
        key["feedback"] = {k: {"selected": v} for k, v in choice_feedback.items()}
    rule_name = "none" if rule == "match" else "penalty"
    return _Draft(
        type="multi_select",
        config={"choices": items, "shuffle": shuffle, "partial_credit": rule_name},
        answer_key=key,
    )


def _text_entry(interaction: etree._Element, declaration: etree._Element, rule: str) -> _Draft:
    base = declaration.get("baseType", "string")
    correct = _values(declaration.find("correctResponse"))
    mapping = declaration.find("mapping")
    if base in ("float", "integer"):
        values = correct if rule == "match" else [k for k, v in _mapping(declaration).items() if v > 0]
        if len(values) != 1:
            raise Refused("a numeric entry needs exactly one right value")
        try:
            value = float(values[0])
        except ValueError:
            raise Refused(f"{values[0]!r} is not a number") from None
        return _Draft(
            type="numeric",
            config={},
            answer_key={"value": value, "tolerance": 0.0, "tolerance_mode": "absolute"},
        )
    if base != "string":
        raise Refused(f"text entry with base type {base!r} is not supported")
    if rule == "match":
        answers, case_sensitive = correct, True
    else:
        entries = _mapping(declaration)
        answers = [key for key, value in entries.items() if value > 0]
        if any(0 < value < max(entries.values()) for value in entries.values()):
            raise Refused("the mapping gives partial credit to some answers")
        flags = {
            entry.get("caseSensitive", "true") for entry in (mapping.findall("mapEntry") if mapping is not None else [])
        }
        if len(flags) > 1:
            raise Refused("answers differ in case sensitivity")
        case_sensitive = flags != {"false"}
    if not answers:
        raise Refused("the text entry has no right answer")
    blank: dict[str, Any] = {"id": "blank_0"}
    length = interaction.get("expectedLength")
    if length and length.isdigit() and 0 < int(length) <= 500:
        blank["size"] = int(length)
    key = {"answers": answers, "case_sensitive": case_sensitive, "ignore_accents": False, "regexp": False}
    return _Draft(type="fill_in_blank", config={"blanks": [blank]}, answer_key={"blanks": {"blank_0": key}})


def _inline_choice(
    interaction: etree._Element, declaration: etree._Element, rule: str, feedback: dict[str, str], used: set[str]
) -> _Draft:
    options = [
        {"id": option.get("identifier", ""), "text": _inner(option)} for option in interaction.findall("inlineChoice")
    ]
    ids = [option["id"] for option in options]
    if rule == "match":
        correct = _values(declaration.find("correctResponse"))
    else:
        correct = [key for key, value in _mapping(declaration).items() if value > 0]
    if len(correct) != 1 or correct[0] not in ids:
        raise Refused("an inline choice needs exactly one right option")
    key: dict[str, Any] = {"correct": correct[0]}
    option_feedback = {k: v for k, v in feedback.items() if k in ids and v}
    if option_feedback:
        key["feedback"] = option_feedback
        used.update(option_feedback)
    return _Draft(
        type="dropdown",
        config={"options": options, "shuffle": interaction.get("shuffle") == "true"},
        answer_key=key,
    )


def _prompts(body: etree._Element) -> tuple[str, list[str]]:
    """The question prompt (body without interactions) and the part prompts, in interaction order."""
    body = etree.fromstring(etree.tostring(body))  # work on a copy
    part_prompts: list[str] = []
    pending = ""
    for element in list(body.iter()):
        if not isinstance(element.tag, str):
            continue
        if CLASS_PART_PROMPT in (element.get("class") or "").split():
            pending = _inner(element)
            _remove(element)
        elif element.tag in SUPPORTED:
            prompt = element.find("prompt")
            part_prompts.append(_inner(prompt) if prompt is not None else pending)
            pending = ""
            _remove(element)
    children = [child for child in body if not (child.tag == "p" and not len(child) and not (child.text or "").strip())]
    if len(children) == 1 and not (body.text or "").strip() and not (children[0].tail or "").strip():
        only = children[0]
        if only.tag == "div" and (only.get("class") or "").split() == [CLASS_PROMPT]:
            return _inner(only), part_prompts
    return _serialize(body.text, children), part_prompts


def read_item(root: etree._Element) -> ParsedItem:
    """Vault content of a normalised ``assessmentItem`` (see :func:`normalise`); :class:`Refused` when it cannot be."""
    identifier = root.get("identifier", "")
    title = root.get("title", "")
    if root.tag != "assessmentItem":
        raise Refused(f"expected an assessment item, found <{root.tag}>")
    body = root.find("itemBody")
    if body is None:
        raise Refused("the item has no item body")
    kinds = []
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag.endswith("Interaction"):
            kinds.append(element.tag)
            if element.tag not in SUPPORTED:
                reason = UNSUPPORTED.get(element.tag, "an interaction the vault does not grade")
                raise Refused(f"<{element.tag}> is not supported ({reason})")
    if not kinds:
        raise Refused("the item has no interaction to answer")
    rules = _rules(root)
    declarations = _declarations(root)
    feedback = _feedback_by_id(root)
    used: set[str] = set()
    warnings: list[str] = []
    drafts: list[tuple[str, _Draft, float]] = []  # (response id, draft, weight)
    weights: dict[str, float] = _weights(root)
    for interaction in (e for e in body.iter() if isinstance(e.tag, str) and e.tag in SUPPORTED):
        response = interaction.get("responseIdentifier", "")
        declaration = declarations.get(response)
        if declaration is None:
            raise Refused(f"<{interaction.tag}> answers {response!r}, which is not declared")
        rule = rules.get(response, "")
        if interaction.tag == "extendedTextInteraction":
            config: dict[str, Any] = {}
            lines = interaction.get("expectedLines")
            if lines and lines.isdigit() and 1 <= int(lines) <= 200:
                config["expected_lines"] = int(lines)
            drafts.append((response, _Draft(type="extended_text", config=config, answer_key={}), 0.0))
            continue
        if not rule:
            raise Refused(f"response {response!r} is not scored by the response processing")
        if interaction.tag == "choiceInteraction":
            draft = _choice(interaction, declaration, rule, feedback, used)
        elif interaction.tag == "textEntryInteraction":
            draft = _text_entry(interaction, declaration, rule)
        else:
            draft = _inline_choice(interaction, declaration, rule, feedback, used)
        drafts.append((response, draft, weights.get(response, 1.0)))
    ids = [_part_id(response, len(drafts)) for response, _, _ in drafts]
    if len(set(ids)) != len(ids):
        ids = [response for response, _, _ in drafts]
    ungraded = all(draft.type == "extended_text" for _, draft, _ in drafts)
    prompt, part_prompts = _prompts(body)
    parts = [
        QuestionPart(
            id=ids[index],
            type=draft.type,
            prompt=part_prompts[index] if index < len(part_prompts) else "",
            config=draft.config,
            answer_key=draft.answer_key,
            weight=1.0 if ungraded else weight,
        )
        for index, (_, draft, weight) in enumerate(drafts)
    ]
    explanation = "\n".join(text for key, text in feedback.items() if key not in used and text)
    points = _points(root, parts)
    content = QuestionContent(parts=tuple(parts), title=title, prompt=prompt, explanation=explanation, points=points)
    return ParsedItem(identifier, title, content, kinds, warnings)


def _part_id(response: str, count: int) -> str:
    """Vault part ids: ``part_0`` for a one-response item, and the vault's own ids back from ``RESPONSE_<id>``."""
    if count == 1:
        return "part_0"
    return response[len("RESPONSE_") :] if response.startswith("RESPONSE_") and len(response) > 9 else response


def _weights(root: etree._Element) -> dict[str, float]:
    """Per-response weights from vault-written rules (``sum(SCORE, baseValue w)``), default 1."""
    found: dict[str, float] = {}
    processing = root.find("responseProcessing")
    if processing is None:
        return found
    for condition in processing.findall("responseCondition"):
        correct = condition.find(".//correct")
        value = condition.find(".//setOutcomeValue/sum/baseValue")
        if correct is not None and value is not None:
            try:
                found[correct.get("identifier", "")] = float(value.text or "1")
            except ValueError:
                continue
    return found


def _points(root: etree._Element, parts: Sequence[QuestionPart]) -> float:
    if all(part.type == "extended_text" for part in parts):
        return 0.0
    for declaration in root.findall("outcomeDeclaration"):
        if declaration.get("identifier") == "MAXSCORE":
            values = _values(declaration.find("defaultValue"))
            try:
                return max(0.0, float(values[0])) if values else 1.0
            except ValueError:
                return 1.0
    return 1.0
