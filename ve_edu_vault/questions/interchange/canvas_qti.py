"""
Canvas quiz exports: IMS QTI 1.2 as Canvas writes it (a zip with ``imsmanifest.xml``, ``<quiz>/<quiz>.xml``
holding ``<questestinterop><assessment><section><item>``, and ``<quiz>/assessment_meta.xml``).

Each item names its Canvas type in ``itemmetadata/qtimetadata`` (``question_type``) and its points
(``points_possible``). Mapping: multiple_choice and true_false -> multiple_choice; multiple_answers ->
multi_select (``penalty`` rule: Canvas gives credit per right answer and takes it back per wrong one);
short_answer -> fill_in_blank (case-insensitive, as Canvas matches); fill_in_multiple_blanks ->
fill_in_blank with one blank per ``response_lid`` (its labels are the accepted answers); numerical ->
numeric (exact with margin, or a range); multiple_dropdowns -> one dropdown part per variable; essay ->
extended_text (ungraded). ``itemfeedback`` ``general_fb`` -> explanation, ``<answer>_fb`` -> per-choice
feedback. file_upload, matching, calculated, formula and text_only questions are refused with their
name; a numerical question with several accepted answers is refused too (the vault grades one).
The quiz title is the items' category.

Identity: ``canvas:<item ident>`` (Canvas idents are stable across exports of the same quiz).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..data import QuestionPart
from .build import Refused, item, refused_item, single_choice_part
from .data import FormatError, ReadLimits, ReadResult, SourceItem
from .safety import SafePackage, resolve_href

__all__ = ["FORMAT", "is_canvas", "read_canvas", "read_document"]

FAMILY = "canvas"
_UNSUPPORTED = {
    "file_upload_question": "file upload questions",
    "matching_question": "matching questions",
    "calculated_question": "calculated (formula) questions",
    "formula_question": "formula questions",
    "text_only_question": "text without a question",
}


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _strip(root: etree._Element) -> etree._Element:
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = _local(element.tag)
    etree.cleanup_namespaces(root)
    return root


def _mattext(element: etree._Element | None) -> str:
    if element is None:
        return ""
    found = element.find(".//mattext")
    if found is None:
        return ""
    text = (found.text or "").strip()
    if found.get("texttype", "text/plain") == "text/html":
        return text
    from .text import plain_to_html

    return plain_to_html(text)


def _metadata(item_element: etree._Element) -> dict[str, str]:
    fields = {}
    for field in item_element.findall("itemmetadata/qtimetadata/qtimetadatafield"):
        fields[(field.findtext("fieldlabel") or "").strip()] = (field.findtext("fieldentry") or "").strip()
    return fields


def _feedback(item_element: etree._Element) -> dict[str, str]:
    return {fb.get("ident", ""): _mattext(fb) for fb in item_element.findall("itemfeedback")}


def _scoring_conditions(item_element: etree._Element) -> list[etree._Element]:
    found = []
    for condition in item_element.findall("resprocessing/respcondition"):
        setvar = condition.find("setvar")
        if setvar is not None and setvar.get("varname", "SCORE") == "SCORE":
            try:
                if float(setvar.text or "0") > 0:
                    found.append(condition)
            except ValueError:
                continue
    return found


def _choices(lid: etree._Element) -> list[tuple[str, str]]:
    return [(label.get("ident", ""), _mattext(label)) for label in lid.findall("render_choice/response_label")]


def _choice_part(item_element: etree._Element, feedback: dict[str, str], truefalse: bool) -> QuestionPart:
    lid = item_element.find("presentation/response_lid")
    if lid is None:
        raise Refused("the item has no response_lid")
    choices = _choices(lid)
    right = {v.text.strip() for c in _scoring_conditions(item_element) for v in c.iter("varequal") if v.text}
    ids = [ident for ident, _ in choices]
    if truefalse:
        ids = [
            "true" if _plain(text).lower() == "true" else "false" if _plain(text).lower() == "false" else ident
            for ident, text in choices
        ]
    return single_choice_part(
        [(text, 1.0 if ident in right else 0.0, feedback.get(f"{ident}_fb", "")) for ident, text in choices],
        ids=ids,
    )


def _plain(html_text: str) -> str:
    from .text import html_to_plain

    return html_to_plain(html_text)


def _multiple_answers(item_element: etree._Element, feedback: dict[str, str]) -> QuestionPart:
    lid = item_element.find("presentation/response_lid")
    if lid is None:
        raise Refused("the item has no response_lid")
    choices = _choices(lid)
    conditions = _scoring_conditions(item_element)
    if len(conditions) != 1:
        raise Refused("expected one scoring condition for a multiple-answers question")
    right = []
    for value in conditions[0].iter("varequal"):
        parent = value.getparent()
        if parent is not None and parent.tag != "not" and value.text:
            right.append(value.text.strip())
    ids = [ident for ident, _ in choices]
    if not right or any(r not in ids for r in right):
        raise Refused("the right answers name no choice")
    items = [{"id": ident, "text": text} for ident, text in choices]
    key: dict[str, Any] = {"correct": right}
    selected = {ident: {"selected": feedback[f"{ident}_fb"]} for ident in ids if feedback.get(f"{ident}_fb")}
    if selected:
        key["feedback"] = selected
    return QuestionPart(
        id="part_0",
        type="multi_select",
        config={"choices": items, "shuffle": False, "partial_credit": "penalty"},
        answer_key=key,
    )


def _blank_answers(item_element: etree._Element, respident: str | None) -> list[str]:
    answers = []
    for condition in _scoring_conditions(item_element):
        for value in condition.iter("varequal"):
            if value.text and (respident is None or value.get("respident") == respident):
                answers.append(value.text.strip())
    return list(dict.fromkeys(answers))


def _lid_blanks(item_element: etree._Element, lids: list[etree._Element]) -> QuestionPart:
    """Canvas's fill_in_multiple_blanks: a ``response_lid`` per blank listing its accepted answers as labels."""
    right: dict[str, set[str]] = {}
    for condition in _scoring_conditions(item_element):
        for value in condition.iter("varequal"):
            if value.text:
                right.setdefault(value.get("respident", ""), set()).add(value.text.strip())
    blanks, keys = [], {}
    for index, lid in enumerate(lids):
        ident = lid.get("ident", "")
        labels = dict(_choices(lid))
        answers = [_plain(labels[label]) for label in labels if label in right.get(ident, set())]
        if not answers:
            raise Refused(f"blank {_plain(_mattext(lid)) or ident!r} has no accepted answer")
        blank_id = f"blank_{index}"
        blanks.append({"id": blank_id})
        keys[blank_id] = {"answers": answers, "case_sensitive": False, "ignore_accents": False, "regexp": False}
    return QuestionPart(id="part_0", type="fill_in_blank", config={"blanks": blanks}, answer_key={"blanks": keys})


def _blanks(item_element: etree._Element) -> QuestionPart:
    lids = item_element.findall("presentation/response_lid")
    if lids:
        return _lid_blanks(item_element, lids)
    responses = item_element.findall("presentation/response_str")
    if not responses:
        raise Refused("the item has no response_str")
    blanks, keys = [], {}
    for index, response in enumerate(responses):
        ident = response.get("ident", f"blank_{index}")
        answers = _blank_answers(item_element, ident if len(responses) > 1 else None)
        if not answers:
            raise Refused(f"blank {ident!r} has no accepted answer")
        blank_id = f"blank_{index}"
        blanks.append({"id": blank_id})
        keys[blank_id] = {"answers": answers, "case_sensitive": False, "ignore_accents": False, "regexp": False}
    return QuestionPart(id="part_0", type="fill_in_blank", config={"blanks": blanks}, answer_key={"blanks": keys})


def _numerical(item_element: etree._Element) -> QuestionPart:
    conditions = _scoring_conditions(item_element)
    if len(conditions) != 1:
        raise Refused(f"the vault grades one right number per question; this one has {len(conditions)}")
    condition = conditions[0].find("conditionvar")
    assert condition is not None

    def number(tag: str) -> float | None:
        found = condition.find(f".//{tag}")
        if found is None or not (found.text or "").strip():
            return None
        try:
            return float(found.text.strip())  # type: ignore[union-attr]
        except ValueError:
            raise Refused(f"<{tag}> {found.text!r} is not a number") from None

    exact, low, high = number("varequal"), number("vargte"), number("varlte")
    low_strict, high_strict = number("vargt"), number("varlt")
    if exact is not None:
        bounds = [b for b in (low, high) if b is not None]
        margin = max((abs(exact - b) for b in bounds), default=0.0)
        key: dict[str, Any] = {"value": exact, "tolerance": margin, "tolerance_mode": "absolute"}
    elif low is not None and high is not None:
        key = {"range": {"low": low, "high": high}}
    elif low_strict is not None or high_strict is not None:
        raise Refused("strict numeric bounds are not supported")
    else:
        raise Refused("no number is accepted")
    return QuestionPart(id="part_0", type="numeric", config={}, answer_key=key)


def _dropdowns(item_element: etree._Element, feedback: dict[str, str]) -> list[QuestionPart]:
    parts: list[QuestionPart] = []
    lids = item_element.findall("presentation/response_lid")
    if not lids:
        raise Refused("the item has no response_lid")
    right = {
        v.get("respident"): v.text.strip()
        for c in _scoring_conditions(item_element)
        for v in c.iter("varequal")
        if v.text
    }
    for lid in lids:
        ident = lid.get("ident", "")
        variable = _plain(_mattext(lid)) or ident
        choices = _choices(lid)
        part = single_choice_part(
            [
                (text, 1.0 if right.get(ident) == choice else 0.0, feedback.get(f"{choice}_fb", ""))
                for choice, text in choices
            ],
            ids=[choice for choice, _ in choices],
            list_name="options",
            qtype="dropdown",
        )
        parts.append(
            QuestionPart(
                id=ident or f"part_{len(parts)}",
                type="dropdown",
                prompt=variable,
                config=part.config,
                answer_key=part.answer_key,
            )
        )
    return parts


def _read_item(item_element: etree._Element, file: str, category: tuple[str, ...]) -> SourceItem:
    ident = item_element.get("ident", "")
    meta = _metadata(item_element)
    qtype = meta.get("question_type", "")
    title = item_element.get("title", "")
    line = item_element.sourceline
    sid = f"{FAMILY}:{ident}"
    label = title or ident
    warnings: list[str] = []
    try:
        if not ident:
            raise Refused("the item has no ident")
        feedback = _feedback(item_element)
        for key in ("correct_fb", "general_incorrect_fb"):
            if feedback.get(key):
                warnings.append(f"the {key.replace('_fb', '')} feedback is not kept")
        if qtype in _UNSUPPORTED:
            raise Refused(f"Canvas {qtype} is not supported ({_UNSUPPORTED[qtype]})")
        if qtype in ("multiple_choice_question", "true_false_question"):
            parts = [_choice_part(item_element, feedback, qtype == "true_false_question")]
        elif qtype == "multiple_answers_question":
            parts = [_multiple_answers(item_element, feedback)]
        elif qtype in ("short_answer_question", "fill_in_multiple_blanks_question"):
            parts = [_blanks(item_element)]
        elif qtype == "numerical_question":
            parts = [_numerical(item_element)]
        elif qtype == "multiple_dropdowns_question":
            parts = _dropdowns(item_element, feedback)
        elif qtype == "essay_question":
            warnings.append("essays are graded by a person in Canvas: kept as ungraded, 0 points")
            parts = [QuestionPart(id="part_0", type="extended_text", config={}, answer_key={})]
        else:
            raise Refused(f"Canvas question type {qtype or '(none)'!r} is not supported")
    except Refused as error:
        return refused_item(
            source_id=sid,
            label=label,
            file=file,
            line=line,
            kind=qtype or "item",
            reason=error.reason,
            category=category,
            identifier=ident,
        )
    try:
        points = float(meta.get("points_possible", "1") or "1")
    except ValueError:
        points = 1.0
    if parts[0].type == "extended_text":
        points = 0.0
    prompt = _mattext(item_element.find("presentation/material"))
    return item(
        source_id=sid,
        label=label,
        file=file,
        line=line,
        kind=qtype,
        parts=parts,
        title=title,
        prompt=prompt,
        explanation=feedback.get("general_fb", ""),
        points=max(points, 0.0),
        category=category,
        warnings=warnings,
        identifier=ident,
    )


def _items(root: etree._Element, file: str, category: tuple[str, ...], limits: ReadLimits) -> list[SourceItem]:
    _strip(root)
    found: list[SourceItem] = []
    for assessment in root.iter("assessment", "objectbank"):
        title = assessment.get("title") or ""
        for element in assessment.iter("item"):
            if len(found) >= limits.max_items:
                raise FormatError(f"the file holds more than {limits.max_items} questions", file=file)
            found.append(_read_item(element, file, category or ((title,) if title else ())))
    return found


def read_document(root: etree._Element, name: str, limits: ReadLimits) -> ReadResult:
    return ReadResult(format="canvas-qti12", file=name, items=tuple(_items(root, name, (), limits)))


def is_canvas(package: SafePackage) -> bool:
    return any(path.endswith("assessment_meta.xml") for path in package.names()) or any(
        path.endswith((".xml", ".qti")) and b"questestinterop" in package.read(path)[:2048]
        for path in package.names()
        if path != "imsmanifest.xml"
    )


def read_canvas(package: SafePackage, name: str, limits: ReadLimits) -> ReadResult:
    manifest = package.xml("imsmanifest.xml")
    documents: list[str] = []
    for resource in manifest.iter():
        if _local(resource.tag) != "resource" or resource.get("type") not in (
            "imsqti_xmlv1p2",
            "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
        ):
            continue
        for file_element in resource:
            href = file_element.get("href") if _local(file_element.tag) == "file" else None
            if href and not href.endswith("assessment_meta.xml"):
                documents.append(resolve_href("imsmanifest.xml", href, file=f"{name}/imsmanifest.xml"))
    if not documents:
        documents = [
            p
            for p in package.names()
            if p.endswith((".xml", ".qti"))
            and p != "imsmanifest.xml"
            and not p.endswith("assessment_meta.xml")
            and b"questestinterop" in package.read(p)[:2048]
        ]
    items: list[SourceItem] = []
    for path in dict.fromkeys(documents):
        meta_path = path.rsplit("/", 1)[0] + "/assessment_meta.xml" if "/" in path else "assessment_meta.xml"
        category: tuple[str, ...] = ()
        if meta_path in package:
            meta = _strip(package.xml(meta_path))
            title = (meta.findtext("title") or "").strip()
            category = (title,) if title else ()
        items.extend(_items(package.xml(path), f"{name}/{path}", category, limits))
    return ReadResult(format="canvas-qti12", file=name, items=tuple(items))


def _read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    from .qti import read

    return read(data, name, limits)


from .data import QuestionFormat  # noqa: E402

FORMAT = QuestionFormat(
    name="canvas-qti12", label="Canvas QTI 1.2 export", family=FAMILY, read=_read, extensions=(".zip",)
)
