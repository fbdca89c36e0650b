"""
Import one capa ``<problem>`` (Open edX OLX) as vault :class:`QuestionContent`.

Mapping (the exporter in ``capa_export.py`` writes exactly this back, so import(export(c)) == c):

- ``display_name`` -> ``title``; ``weight`` -> ``points`` (default: one point per part, as capa counts).
- Each supported response element -> one part per input (``part_0``, ``part_1``...), in document order.
  Markup inside a response that is not part of its input (``<label>``, ``<description>``, headings...) is the
  part prompt; markup between two responses is prepended to the next part's prompt; markup before the first
  response is the question prompt. A prompt that is a single bare ``<label>`` is stored as the label's content.
- ``<demandhint><hint>`` -> ``hints`` (a ``penalty`` attribute is a vault extension).
- ``<solution>`` -> ``explanation`` (capa's ``<div class="detailed-solution"><p>Explanation</p>`` wrapper is
  removed).

Anything the vault cannot grade the same way (customresponse, formularesponse, Python scripts, ...) yields
:class:`UnsupportedProblem` whose reason names the tag, never an exception: a course import reports and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..data import Hint, QuestionContent, QuestionPart
from ..errors import QuestionError
from ..grading import validate_content
from ._html import fragment_html, inner_html, parse_xml, unwrap_label
from .capa_responses import PARSERS, STRUCTURAL_TAGS, Unsupported

__all__ = ["ParsedProblem", "UnsupportedProblem", "parse_problem", "parse_problem_file"]

_NOT_PROMPT = frozenset({"demandhint", "solution", "script", "style"})
_REASONS = {
    "customresponse": "custom Python grading",
    "formularesponse": "formula grading",
    "schematicresponse": "circuit schematics",
    "imageresponse": "image region answers",
    "symbolicresponse": "symbolic maths grading",
    "coderesponse": "external code graders",
    "externalresponse": "external graders",
    "javascriptresponse": "JavaScript grading",
    "annotationresponse": "annotation problems",
    "choicetextresponse": "choices with text inputs",
    "truefalseresponse": "the retired true/false type",
    "jsinput": "JavaScript inputs",
    "drag_and_drop_input": "drag and drop inputs",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedProblem:
    content: QuestionContent
    warnings: tuple[str, ...] = ()
    ok = True


@dataclass(frozen=True, kw_only=True, slots=True)
class UnsupportedProblem:
    reason: str
    tag: str | None = None
    ok = False


def _is_response(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag in PARSERS or tag.endswith("response") or tag in _REASONS


def _unsupported_tag(root: etree._Element) -> UnsupportedProblem | None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for element in elements:
        tag = element.tag
        if tag in _REASONS or (tag.endswith("response") and tag not in PARSERS):
            reason = _REASONS.get(tag, "a response type the vault does not grade")
            return UnsupportedProblem(reason=f"<{tag}> is not supported ({reason}).", tag=tag)
    for element in elements:
        if element.tag == "script" and "python" in (element.get("type") or "").lower():
            return UnsupportedProblem(reason="<script> with Python code is not supported.", tag="script")
    return None


def _flatten(root: etree._Element, warnings: list[str]) -> list[etree._Element]:
    """Children of ``root``; wrappers (e.g. ``<div>``) that contain responses are opened up."""
    nodes: list[etree._Element] = []
    for child in root:
        if not _is_response(child) and any(_is_response(e) for e in child.iter()) and child.tag not in _NOT_PROMPT:
            warnings.append(f"The <{child.tag}> wrapper around responses was dropped.")
            nodes.extend(_flatten(child, warnings))
        else:
            nodes.append(child)
    return nodes


def _explanation(solution: etree._Element) -> str:
    children = list(solution)
    if len(children) == 1 and "detailed-solution" in (children[0].get("class") or "").split():
        div = children[0]
        kids = list(div)
        if kids and kids[0].tag == "p" and (kids[0].text or "").strip().lower() == "explanation" and not len(kids[0]):
            return fragment_html((div.text or "") + (kids[0].tail or ""), kids[1:])
        return inner_html(div)
    return inner_html(solution)


def _hints(demandhint: etree._Element) -> list[Hint]:
    hints = []
    for hint in demandhint.findall("hint"):
        penalty = hint.get("penalty")
        try:
            value = float(penalty) if penalty is not None else None
        except ValueError:
            value = None
        hints.append(Hint(text=inner_html(hint), penalty=value))
    return hints


def _join(*fragments: str) -> str:
    return "\n".join(f for f in fragments if f)


def parse_problem(source: str | bytes | etree._Element) -> ParsedProblem | UnsupportedProblem:
    """Parse one capa problem; see the module docstring for the mapping."""
    try:
        root = source if isinstance(source, etree._Element) else parse_xml(source)
    except etree.XMLSyntaxError as error:
        return UnsupportedProblem(reason=f"The problem is not well-formed XML: {error}.")
    if root.tag != "problem":
        return UnsupportedProblem(reason=f"Expected a <problem> element, found <{root.tag}>.", tag=str(root.tag))
    unsupported = _unsupported_tag(root)
    if unsupported is not None:
        return unsupported
    warnings: list[str] = []
    question_prompt = ""
    pending_text: str | None = root.text
    pending_nodes: list[Any] = []
    parts: list[QuestionPart] = []
    hints: list[Hint] = []
    explanations: list[str] = []
    try:
        for node in _flatten(root, warnings):
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in PARSERS:
                before = fragment_html(pending_text, pending_nodes)
                if not parts:
                    question_prompt, before = before, ""
                pending_text, pending_nodes = node.tail, []
                inside = [c for c in node if (c.tag if isinstance(c.tag, str) else "") not in STRUCTURAL_TAGS]
                prompt = unwrap_label(_join(before, fragment_html(node.text, inside)))
                explanations.extend(_explanation(s) for s in node.findall("solution"))
                for index, (qtype, config, key) in enumerate(PARSERS[tag](node, warnings)):
                    parts.append(
                        QuestionPart(
                            id=f"part_{len(parts)}", type=qtype, prompt=prompt if index == 0 else "",
                            config=config, answer_key=key,
                        )
                    )  # fmt: skip
            elif tag == "demandhint":
                hints.extend(_hints(node))
                pending_text = _join(pending_text or "", node.tail or "") or None
            elif tag == "solution":
                explanations.append(_explanation(node))
                pending_text = _join(pending_text or "", node.tail or "") or None
            elif tag in _NOT_PROMPT:
                continue
            else:
                pending_nodes.append(node)
    except Unsupported as error:
        return UnsupportedProblem(reason=error.reason, tag=error.tag)
    if not parts:
        return UnsupportedProblem(reason="The problem has no response element to grade.")
    trailing = fragment_html(pending_text, pending_nodes)
    if trailing:
        last = parts[-1]
        parts[-1] = QuestionPart(
            id=last.id, type=last.type, prompt=_join(last.prompt, trailing), config=last.config,
            answer_key=last.answer_key, weight=last.weight,
        )  # fmt: skip
    weight = root.get("weight")
    try:
        points = float(weight) if weight not in (None, "") else float(len(parts))
    except ValueError:
        warnings.append(f"Ignored the weight {weight!r}, which is not a number.")
        points = float(len(parts))
    try:
        content = QuestionContent(
            parts=tuple(parts),
            title=root.get("display_name") or "",
            prompt=question_prompt,
            hints=tuple(hints),
            explanation=_join(*explanations),
            points=points,
        )
        validate_content(content)
    except QuestionError as error:
        return UnsupportedProblem(reason=f"The problem cannot be stored: {error}.")
    return ParsedProblem(content=content, warnings=tuple(warnings))


def parse_problem_file(path: str | Path) -> ParsedProblem | UnsupportedProblem:
    return parse_problem(Path(path).read_bytes())
