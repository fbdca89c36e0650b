"""
Write vault content as a QTI assessment item (2.1 names, then ``qti_names.spell`` for the version asked for).

What a question holds that QTI cannot is either refused (grading QTI's templates cannot reproduce: patterns,
tolerances, units, partial-credit rules other than none and penalty) or listed as a warning (hints, tags,
feedback on unselected choices). Author HTML is cut down to the XHTML QTI allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree

from ..data import QuestionContent
from .build import Refused
from .qti_names import CLASS_PART_PROMPT, CLASS_PROMPT, TEMPLATES, spell
from .qti_names import remove_element as _remove
from .text import ncname, xhtml_nodes

__all__ = ["write_item"]

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
        _flow(body, "div", content.prompt, warnings, {"class": CLASS_PROMPT})
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
                _flow(body, "p", part.prompt, warnings, {"class": CLASS_PART_PROMPT})
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
                _flow(body, "p", part.prompt, warnings, {"class": CLASS_PART_PROMPT})
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
                _flow(body, "p", part.prompt, warnings, {"class": CLASS_PART_PROMPT})
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
