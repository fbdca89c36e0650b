"""
QTI 2.1 and 3.0 assessment items to and from vault content (one reader, one writer, two spellings).

QTI 3.0 (1EdTech, ``imsqtiasi_v3p0``) renames QTI 2.1's elements and attributes (``choiceInteraction`` ->
``qti-choice-interaction``, ``responseIdentifier`` -> ``response-identifier``) and keeps the model. The reader
first brings a 3.0 item to 2.1 names without namespace (:func:`normalise`); the writer builds 2.1 names and
:func:`spell` writes them in the namespace and spelling of the version asked for.

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

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from lxml import etree

from ..data import QuestionContent, QuestionPart
from .build import Refused
from .text import is_ncname, ncname, xhtml_nodes

__all__ = ["NS21", "NS30", "ParsedItem", "normalise", "read_item", "spell", "write_item"]

NS21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
NS30 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
SCHEMA21 = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd"
SCHEMA30 = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TEMPLATES = {
    "match_correct": (
        "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
    ),
    "map_response": (
        "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
    ),
}
SUPPORTED = {"choiceInteraction", "textEntryInteraction", "inlineChoiceInteraction", "extendedTextInteraction"}
UNSUPPORTED = {
    "hotspotInteraction": "hotspot (image regions)",
    "graphicGapMatchInteraction": "graphic gap match",
    "graphicOrderInteraction": "graphic order",
    "graphicAssociateInteraction": "graphic associate",
    "selectPointInteraction": "select point",
    "positionObjectInteraction": "position object",
    "customInteraction": "custom interaction",
    "portableCustomInteraction": "portable custom interaction (PCI)",
    "matchInteraction": "match",
    "associateInteraction": "associate",
    "orderInteraction": "order",
    "gapMatchInteraction": "gap match",
    "hottextInteraction": "hot text",
    "sliderInteraction": "slider",
    "uploadInteraction": "file upload",
    "drawingInteraction": "drawing",
    "mediaInteraction": "media",
    "endAttemptInteraction": "end attempt",
}
# The QTI elements the writer uses (QTI 3.0 spells them qti-<kebab-case>); everything else is XHTML.
QTI_ELEMENTS = {
    "assessmentItem",
    "responseDeclaration",
    "outcomeDeclaration",
    "correctResponse",
    "value",
    "mapping",
    "mapEntry",
    "defaultValue",
    "itemBody",
    "choiceInteraction",
    "prompt",
    "simpleChoice",
    "textEntryInteraction",
    "inlineChoiceInteraction",
    "inlineChoice",
    "extendedTextInteraction",
    "responseProcessing",
    "responseCondition",
    "responseIf",
    "responseElseIf",
    "responseElse",
    "match",
    "variable",
    "correct",
    "setOutcomeValue",
    "baseValue",
    "sum",
    "mapResponse",
    "modalFeedback",
    "isNull",
    "assessmentTest",
    "testPart",
    "assessmentSection",
    "assessmentItemRef",
    "outcomeProcessing",
    "and",
    "or",
    "not",
    "multiple",
    "gte",
    "lte",
    "equal",
}
_RULE_ELEMENTS = {
    "responseCondition",
    "responseIf",
    "responseElseIf",
    "responseElse",
    "setOutcomeValue",
    "match",
    "variable",
    "correct",
    "baseValue",
    "sum",
    "mapResponse",
    "isNull",
    "and",
    "or",
    "not",
    "multiple",
}
_CLASS_PROMPT = "vault-prompt"
_CLASS_PART_PROMPT = "vault-part-prompt"


@lru_cache(maxsize=512)
def _camel(kebab: str) -> str:
    head, *rest = kebab.split("-")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


@lru_cache(maxsize=512)
def _kebab(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", camel).lower()


_QTI_NAMESPACES = (NS21, NS30)


def normalise(root: etree._Element) -> tuple[etree._Element, str]:
    """Bring an item (2.1 or 3.0) to 2.1 names without namespace, in place; returns ``(root, version)``."""
    for name in [name for name in root.attrib if name.startswith("{")]:
        del root.attrib[name]  # xsi:schemaLocation: its namespace would leak into every serialised fragment
    root_tag = root.tag if isinstance(root.tag, str) else ""
    version = (
        "3.0"
        if root_tag.startswith(f"{{{NS30}}}")
        or root_tag.endswith("}qti-assessment-item")
        or root_tag.startswith("qti-")
        else "2.1"
    )
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":
            namespace, _, local = tag[1:].partition("}")
            if namespace not in _QTI_NAMESPACES:
                continue
        else:
            local = tag
        if version == "3.0" and local.startswith("qti-"):
            element.tag = _camel(local[4:])
            attrib = element.attrib
            for name in [name for name in attrib if "-" in name and not name.startswith(("data-", "aria-", "{"))]:
                attrib[_camel(name)] = attrib.pop(name)
        elif local is not tag:
            element.tag = local
    etree.cleanup_namespaces(root)
    return root, version


def spell(root: etree._Element, version: str) -> etree._Element:
    """Give a 2.1-named tree the namespace and names of QTI ``version`` ("2.1" or "3.0")."""
    namespace = NS30 if version == "3.0" else NS21
    for element in root.iter():
        if not isinstance(element.tag, str) or "}" in element.tag:
            continue
        local = element.tag
        if version == "3.0" and local in QTI_ELEMENTS:
            element.tag = f"{{{namespace}}}qti-{_kebab(local)}"
            for name in list(element.attrib):
                if "}" not in name and name != _kebab(name):
                    element.attrib[_kebab(name)] = element.attrib.pop(name)
        else:
            element.tag = f"{{{namespace}}}{local}"
    return root


# --- reading ------------------------------------------------------------------------------------------------


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
        if element.tag not in _RULE_ELEMENTS:
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
) -> QuestionPart:
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
        return QuestionPart(
            id="part", type="multiple_choice", config={"choices": items, "shuffle": shuffle}, answer_key=key
        )
    key = {"correct": correct}
    if choice_feedback:
        key["feedback"] = {k: {"selected": v} for k, v in choice_feedback.items()}
    rule_name = "none" if rule == "match" else "penalty"
    return QuestionPart(
        id="part",
        type="multi_select",
        config={"choices": items, "shuffle": shuffle, "partial_credit": rule_name},
        answer_key=key,
    )


def _text_entry(interaction: etree._Element, declaration: etree._Element, rule: str) -> QuestionPart:
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
        return QuestionPart(
            id="part",
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
    return QuestionPart(
        id="part", type="fill_in_blank", config={"blanks": [blank]}, answer_key={"blanks": {"blank_0": key}}
    )


def _inline_choice(
    interaction: etree._Element, declaration: etree._Element, rule: str, feedback: dict[str, str], used: set[str]
) -> QuestionPart:
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
    return QuestionPart(
        id="part",
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
        if _CLASS_PART_PROMPT in (element.get("class") or "").split():
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
        if only.tag == "div" and (only.get("class") or "").split() == [_CLASS_PROMPT]:
            return _inner(only), part_prompts
    return _serialize(body.text, children), part_prompts


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


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
    parts: list[QuestionPart] = []
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
            parts.append(QuestionPart(id=response, type="extended_text", config=config, answer_key={}, weight=0.0))
            continue
        if not rule:
            raise Refused(f"response {response!r} is not scored by the response processing")
        if interaction.tag == "choiceInteraction":
            part = _choice(interaction, declaration, rule, feedback, used)
        elif interaction.tag == "textEntryInteraction":
            part = _text_entry(interaction, declaration, rule)
        else:
            part = _inline_choice(interaction, declaration, rule, feedback, used)
        parts.append(
            QuestionPart(
                id=response,
                type=part.type,
                config=part.config,
                answer_key=part.answer_key,
                weight=weights.get(response, 1.0),
            )
        )
    ids = [_part_id(p.id, len(parts)) for p in parts]
    if len(set(ids)) == len(ids):
        parts = [
            QuestionPart(id=i, type=p.type, config=p.config, answer_key=p.answer_key, weight=p.weight)
            for i, p in zip(ids, parts, strict=True)
        ]
    if all(part.type == "extended_text" for part in parts):
        parts = [QuestionPart(id=p.id, type=p.type, config=p.config, answer_key=p.answer_key) for p in parts]
    prompt, part_prompts = _prompts(body)
    parts = [
        QuestionPart(
            id=p.id,
            type=p.type,
            prompt=part_prompts[i] if i < len(part_prompts) else "",
            config=p.config,
            answer_key=p.answer_key,
            weight=p.weight,
        )
        for i, p in enumerate(parts)
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


# --- writing ------------------------------------------------------------------------------------------------

_BLOCK = {"p", "div", "ul", "ol", "table", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "hr"}
# XHTML elements QTI allows in content (2.1 and 3.0 share these); anything else is unwrapped on export.
_ALLOWED_HTML = _BLOCK | {
    "a",
    "abbr",
    "acronym",
    "address",
    "b",
    "big",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "dfn",
    "dt",
    "em",
    "i",
    "img",
    "kbd",
    "li",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "var",
}
_ALLOWED_ATTRS = {
    "class",
    "id",
    "lang",
    "label",
    "href",
    "src",
    "alt",
    "width",
    "height",
    "title",
    "colspan",
    "rowspan",
    "summary",
    "type",
    "start",
}


def _sub(parent: etree._Element, tag: str, attrib: Mapping[str, str] | None = None) -> etree._Element:
    return etree.SubElement(parent, tag, dict(attrib or {}))


def _append_html(parent: etree._Element, fragment: str, warnings: list[str]) -> None:
    text, nodes = xhtml_nodes(fragment)
    if text:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    for node in nodes:
        _clean(node, warnings)
        parent.append(node)


def _clean(node: etree._Element, warnings: list[str]) -> None:
    """Keep only XHTML that QTI allows: other elements are unwrapped, other attributes dropped."""
    for element in list(node.iter()):
        if not isinstance(element.tag, str):
            parent = element.getparent()
            if parent is not None:
                _remove(element)
            continue
        if "}" in element.tag:  # MathML and other namespaced content stay as they are
            continue
        for name in list(element.attrib):
            if name not in _ALLOWED_ATTRS:
                del element.attrib[name]
        if element.tag not in _ALLOWED_HTML and element is not node:
            warnings.append(f"<{element.tag}> is not QTI content: its text is kept without it")
            element.drop_tag() if hasattr(element, "drop_tag") else _unwrap(element)
    if isinstance(node.tag, str) and "}" not in node.tag and node.tag not in _ALLOWED_HTML:
        warnings.append(f"<{node.tag}> is not QTI content: written as <span>")
        node.tag = "span"
        node.attrib.clear()


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    previous = element.getprevious()
    if element.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    last = parent[index + len(element) - 1] if len(element) else element.getprevious()
    if element.tail:
        if last is not None and last is not element:
            last.tail = (last.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _flow(
    parent: etree._Element, tag: str, fragment: str, warnings: list[str], attrib: Mapping[str, str] | None = None
) -> etree._Element:
    element = _sub(parent, tag, attrib)
    _append_html(element, fragment, warnings)
    return element


def _declare(
    root: etree._Element, identifier: str, cardinality: str, base: str, correct: Sequence[str]
) -> etree._Element:
    declaration = etree.Element(
        "responseDeclaration", {"identifier": identifier, "cardinality": cardinality, "baseType": base}
    )
    response = _sub(declaration, "correctResponse")
    for value in correct:
        _sub(response, "value").text = value
    root.append(declaration)
    return declaration


def _outcome(
    root: etree._Element, identifier: str, base: str, default: str | None = None, cardinality: str = "single"
) -> None:
    declaration = _sub(
        root, "outcomeDeclaration", {"identifier": identifier, "cardinality": cardinality, "baseType": base}
    )
    if default is not None:
        _sub(_sub(declaration, "defaultValue"), "value").text = default


def _id(value: str, used: set[str], prefix: str) -> str:
    candidate = ncname(value, prefix=prefix)
    base, counter = candidate, 2
    while candidate in used:
        candidate, counter = f"{base}_{counter}", counter + 1
    used.add(candidate)
    return candidate


def write_item(identifier: str, content: QuestionContent, *, version: str) -> tuple[etree._Element, list[str]]:
    """A QTI ``assessmentItem`` (2.1 names, then :func:`spell`) and the warnings of what it could not hold."""
    warnings: list[str] = []
    if content.hints:
        warnings.append("hints are not kept (QTI items have no hints)")
    if content.tags:
        warnings.append("tags are not kept in the item")
    root = etree.Element(
        "assessmentItem",
        {
            "identifier": ncname(identifier, prefix="item"),
            "title": content.title or identifier,
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    body = etree.Element("itemBody")
    if content.prompt:
        _flow(body, "div", content.prompt, warnings, {"class": _CLASS_PROMPT})
    used: set[str] = {"SCORE", "MAXSCORE", "FEEDBACK"}
    feedback_nodes: list[tuple[str, str]] = []
    scored: list[tuple[str, str, float]] = []  # (response id, rule, weight)
    single = len(content.parts) == 1
    for part in content.parts:
        response = "RESPONSE" if single else _id(f"RESPONSE_{part.id}", used, "RESPONSE")
        key, config = part.answer_key, part.config
        if part.type in ("multiple_choice", "multi_select"):
            ids: dict[str, str] = {}
            choice_ids: set[str] = set(used)
            for entry in config["choices"]:
                ids[entry["id"]] = _id(entry["id"], choice_ids, "choice")
            if any(ids[k] != k for k in ids):
                warnings.append("choice ids were made valid QTI identifiers")
            multi = part.type == "multi_select"
            rule_name = config.get("partial_credit", "none") if multi else "none"
            if rule_name not in ("none", "penalty"):
                raise Refused(f"QTI templates cannot grade the {rule_name!r} partial-credit rule")
            correct = [ids[c] for c in (key["correct"] if multi else [key["correct"]])]
            declaration = _declare(root, response, "multiple" if multi else "single", "identifier", correct)
            if rule_name == "penalty":
                share = 1 / len(correct)
                mapping = _sub(declaration, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
                for qti_id in ids.values():
                    value = share if qti_id in correct else -share
                    _sub(mapping, "mapEntry", {"mapKey": qti_id, "mappedValue": repr(value)})
            interaction = _sub(
                body,
                "choiceInteraction",
                {
                    "responseIdentifier": response,
                    "shuffle": "true" if config.get("shuffle") else "false",
                    "maxChoices": "0" if multi else "1",
                },
            )
            if part.prompt:
                _flow(interaction, "prompt", part.prompt, warnings)
            for entry in config["choices"]:
                attrib = {"identifier": ids[entry["id"]]}
                if entry.get("fixed"):
                    attrib["fixed"] = "true"
                _flow(interaction, "simpleChoice", entry["text"], warnings, attrib)
            for original, text in (key.get("feedback") or {}).items():
                if multi:
                    if text.get("unselected"):
                        warnings.append("feedback for an unselected choice is not kept")
                    text = text.get("selected", "")
                if text and single:
                    feedback_nodes.append((ids[original], text))
                elif text:
                    warnings.append("per-choice feedback of a multipart question is not kept")
            scored.append((response, "map" if rule_name == "penalty" else "match", part.weight))
        elif part.type == "dropdown":
            ids = {}
            option_ids: set[str] = set(used)
            for entry in config["options"]:
                ids[entry["id"]] = _id(entry["id"], option_ids, "option")
            _declare(root, response, "single", "identifier", [ids[key["correct"]]])
            if part.prompt:
                _flow(body, "p", part.prompt, warnings, {"class": _CLASS_PART_PROMPT})
            holder = _sub(body, "p")
            interaction = _sub(
                holder,
                "inlineChoiceInteraction",
                {"responseIdentifier": response, "shuffle": "true" if config.get("shuffle") else "false"},
            )
            for entry in config["options"]:
                _flow(interaction, "inlineChoice", entry["text"], warnings, {"identifier": ids[entry["id"]]})
            for original, text in (key.get("feedback") or {}).items():
                if text and single:
                    feedback_nodes.append((ids[original], text))
            scored.append((response, "match", part.weight))
        elif part.type == "fill_in_blank":
            blanks = config["blanks"]
            if len(blanks) != 1:
                raise Refused("a QTI text entry is one blank; write each blank as its own part")
            blank = key["blanks"][blanks[0]["id"]]
            if blank.get("regexp") or blank.get("ignore_accents"):
                raise Refused("QTI templates match strings exactly (with or without case): no patterns or accent rules")
            answers = list(blank["answers"])
            declaration = _declare(root, response, "single", "string", answers[:1])
            mapping = _sub(declaration, "mapping", {"defaultValue": "0"})
            for answer in answers:
                _sub(
                    mapping,
                    "mapEntry",
                    {
                        "mapKey": answer,
                        "mappedValue": "1",
                        "caseSensitive": "true" if blank.get("case_sensitive") else "false",
                    },
                )
            holder = etree.Element("p")
            if part.prompt:
                _flow(body, "p", part.prompt, warnings, {"class": _CLASS_PART_PROMPT})
            body.append(holder)
            attrib = {"responseIdentifier": response}
            if "size" in blanks[0]:
                attrib["expectedLength"] = str(blanks[0]["size"])
            _sub(holder, "textEntryInteraction", attrib)
            scored.append((response, "map", part.weight))
        elif part.type == "numeric":
            tolerance = key.get("tolerance")
            if "range" in key or key.get("units") or (tolerance not in (None, 0, 0.0)):
                raise Refused("QTI templates match numbers exactly (no tolerance, range or units)")
            _declare(root, response, "single", "float", [repr(float(key["value"]))])
            if tolerance is None:
                warnings.append("the default relative tolerance (0.001 %) is written as an exact match")
            holder = etree.Element("p")
            if part.prompt:
                _flow(body, "p", part.prompt, warnings, {"class": _CLASS_PART_PROMPT})
            body.append(holder)
            _sub(holder, "textEntryInteraction", {"responseIdentifier": response})
            scored.append((response, "match", part.weight))
        elif part.type == "extended_text":
            declaration = etree.Element(
                "responseDeclaration", {"identifier": response, "cardinality": "single", "baseType": "string"}
            )
            root.append(declaration)
            attrib = {"responseIdentifier": response}
            if config.get("expected_lines"):
                attrib["expectedLines"] = str(config["expected_lines"])
            interaction = _sub(body, "extendedTextInteraction", attrib)
            if part.prompt:
                _flow(interaction, "prompt", part.prompt, warnings)
        else:
            raise Refused(f"QTI has no interaction for {part.type!r}")
    graded = list(scored)
    _outcome(root, "SCORE", "float", "0")
    _outcome(root, "MAXSCORE", "float", repr(float(content.points)))
    if feedback_nodes or content.explanation:
        _outcome(root, "FEEDBACK", "identifier", None, cardinality="multiple")
    root.append(body)
    if graded:
        processing = _sub(root, "responseProcessing")
        if len(graded) == 1 and single and not feedback_nodes and not content.explanation:
            rule = graded[0][1]
            processing.set(
                "template",
                TEMPLATES["match_correct" if rule == "match" else "map_response"][0 if version == "2.1" else 1],
            )
        else:
            _rules_for(processing, graded, single, bool(feedback_nodes), bool(content.explanation))
    elif feedback_nodes or content.explanation:
        _rules_for(_sub(root, "responseProcessing"), [], single, False, bool(content.explanation))
    for identifier_, text in feedback_nodes:
        _flow(
            root,
            "modalFeedback",
            text,
            warnings,
            {"outcomeIdentifier": "FEEDBACK", "identifier": identifier_, "showHide": "show"},
        )
    if content.explanation:
        _flow(
            root,
            "modalFeedback",
            content.explanation,
            warnings,
            {"outcomeIdentifier": "FEEDBACK", "identifier": "EXPLANATION", "showHide": "show"},
        )
    return spell(root, version), warnings


def _set(parent: etree._Element, identifier: str) -> etree._Element:
    return _sub(parent, "setOutcomeValue", {"identifier": identifier})


def _rules_for(
    processing: etree._Element,
    graded: list[tuple[str, str, float]],
    single: bool,
    choice_feedback: bool,
    explanation: bool,
) -> None:
    """Rules built only from the templates' pieces, which :func:`_rules` reads back."""
    for response, rule, weight in graded:
        if rule == "map":
            value = _sub(_set(processing, "SCORE"), "sum")
            _sub(value, "variable", {"identifier": "SCORE"})
            _sub(value, "mapResponse", {"identifier": response})
            continue
        condition = _sub(processing, "responseCondition")
        branch = _sub(condition, "responseIf")
        match = _sub(branch, "match")
        _sub(match, "variable", {"identifier": response})
        _sub(match, "correct", {"identifier": response})
        value = _sub(_set(branch, "SCORE"), "sum")
        _sub(value, "variable", {"identifier": "SCORE"})
        _sub(value, "baseValue", {"baseType": "float"}).text = repr(float(weight)) if not single else "1"
    if choice_feedback:
        multiple = _sub(_set(processing, "FEEDBACK"), "multiple")
        _sub(multiple, "variable", {"identifier": "RESPONSE"})
        if explanation:
            _sub(multiple, "baseValue", {"baseType": "identifier"}).text = "EXPLANATION"
    elif explanation:
        multiple = _sub(_set(processing, "FEEDBACK"), "multiple")
        _sub(multiple, "baseValue", {"baseType": "identifier"}).text = "EXPLANATION"


def item_identifier_ok(value: str) -> bool:
    return is_ncname(value)
