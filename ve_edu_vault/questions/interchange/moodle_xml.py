"""
Moodle XML (``<quiz>``) import and export, following Moodle's own reader and writer,
``question/format/xml/format.php`` (moodle/moodle): ``import_headers`` (name, questiontext, generalfeedback,
defaultgrade, idnumber, tags), ``import_multichoice``, ``import_truefalse``, ``import_shortanswer``,
``import_numerical`` (answers with ``tolerance``, ``units``/``unit_name``/``multiplier``, ``unitgradingtype``,
``unitpenalty``), ``import_essay``, hints, and the ``<question type="category">`` switch.

Mapping: multichoice single -> multiple_choice; multichoice multiple -> multi_select (``penalty`` rule, the only
fractions representable exactly); truefalse -> multiple_choice with choices ``true``/``false``; shortanswer ->
fill_in_blank (``*`` wildcards become an anchored pattern); numerical -> numeric (first 100 % answer, its
tolerance, units); essay -> extended_text (ungraded, 0 points). ``generalfeedback`` -> explanation, ``hint`` ->
hints, ``tags`` -> tags, ``defaultgrade`` -> points, ``name`` -> title. Per-answer feedback of choices is kept;
what the vault has no place for (combined feedback, feedback on short answers, embedded files) is listed in the
item's warnings. Every other Moodle type is refused with its name.

Identity: ``moodle:<category path>#id:<idnumber>``, or ``#name:<name>`` when there is no idnumber (a second
question of the same name in the same category adds ``~2``). GIFT shares the family, so a bank moved
between the two keeps its identity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lxml import etree

from ..data import QuestionContent, QuestionPart
from .build import Refused, as_single_part, item, multi_choice_part, refused_item, single_choice_part
from .data import ExportQuestion, ExportResult, FormatError, QuestionFormat, ReadLimits, ReadResult, SourceItem
from .safety import parse_xml
from .text import html_to_plain, plain_to_html

__all__ = ["FORMAT", "category_path", "read", "source_id", "write"]

FAMILY = "moodle"
_UNSUPPORTED = {
    "calculated": "calculated questions (formulas with wildcards)",
    "calculatedsimple": "simple calculated questions",
    "calculatedmulti": "calculated multichoice questions",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
    "match": "matching questions",
    "randomsamatch": "random short-answer matching",
    "multianswer": "embedded answers (Cloze)",
    "description": "a description, not a question",
    "random": "a random question slot",
}
_CONTEXTS = re.compile(r"^\$(course|system|module|cat\d*|coursecategory)\$$")


def category_path(text: str) -> tuple[str, ...]:
    """``$course$/top/Geography/Europe`` -> ``("Geography", "Europe")`` (context and ``top`` left out)."""
    parts = [part.strip() for part in re.split(r"(?<!/)/(?!/)", text.strip()) if part.strip()]
    parts = [part.replace("//", "/") for part in parts]
    if parts and _CONTEXTS.match(parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return tuple(parts)


def source_id(category: Sequence[str], *, idnumber: str = "", name: str = "") -> str:
    where = "/".join(part.replace("/", "//") for part in category)
    return f"{FAMILY}:{where}#id:{idnumber}" if idnumber else f"{FAMILY}:{where}#name:{name}"


def _child(element: etree._Element, tag: str) -> etree._Element | None:
    return element.find(tag)


def _plain(element: etree._Element | None, tag: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(tag) if tag else element
    return (found.text or "").strip() if found is not None else ""


def _rich(element: etree._Element | None, warnings: list[str], what: str) -> str:
    """A Moodle text field (``<x format="..."><text>...</text><file/></x>``) as an HTML fragment."""
    if element is None:
        return ""
    text = _plain(element)
    if element.find("file") is not None:
        warnings.append(f"the files embedded in the {what} are not kept (the vault stores no files)")
    fmt = (element.get("format") or "html").strip()
    if fmt in ("plain_text", "markdown", "wiki_like"):
        if fmt != "plain_text":
            warnings.append(f"the {what} is {fmt}; it is kept as plain text")
        return plain_to_html(text)
    if fmt == "moodle_auto_format" and "<" not in text:
        return plain_to_html(text)
    return text


def _fraction(answer: etree._Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw) / 100
    except ValueError:
        raise Refused(f"answer fraction {raw!r} is not a number") from None


def _flag(question: etree._Element, tag: str, default: bool) -> bool:
    value = _plain(question, tag) if question.find(tag) is not None else ""
    if value == "":
        return default
    return value.lower() not in ("false", "0", "")


def _choices(question: etree._Element, warnings: list[str]) -> list[tuple[str, float, str]]:
    choices = []
    for index, answer in enumerate(question.findall("answer")):
        choices.append(
            (
                _rich(answer, warnings, f"answer {index + 1}"),
                _fraction(answer),
                _rich(answer.find("feedback"), warnings, f"feedback of answer {index + 1}"),
            )
        )
    return choices


def _combined_feedback_warning(question: etree._Element, warnings: list[str]) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        text = _plain(question.find(tag))
        if text and text not in _DEFAULT_COMBINED:
            warnings.append(f"<{tag}> is not kept (the vault shows per-answer feedback only)")


# Moodle writes these defaults into every export; dropping them loses nothing an author wrote.
_DEFAULT_COMBINED = {
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
    "<p>Your answer is correct.</p>",
    "<p>Your answer is partially correct.</p>",
    "<p>Your answer is incorrect.</p>",
}


def _wildcard(answer: str) -> tuple[str, bool]:
    """A Moodle short answer with ``*`` wildcards as an anchored regexp (``regexp`` True), else itself."""
    if "*" not in answer:
        return answer, False
    return ".*".join(re.escape(piece) for piece in answer.split("*")), True


def _shortanswer(question: etree._Element, warnings: list[str]) -> QuestionPart:
    accepted: list[str] = []
    patterns: list[str] = []
    for index, answer in enumerate(question.findall("answer")):
        text = _plain(answer)
        fraction = _fraction(answer)
        if _plain(answer.find("feedback")):
            warnings.append(f"the feedback of answer {index + 1} is not kept (short answers have no feedback)")
        if abs(fraction) < 1e-6:
            continue
        if abs(fraction - 1) > 1e-6:
            raise Refused(f"answer {index + 1} gives {fraction:.0%} partial credit, which the vault cannot grade")
        converted, is_pattern = _wildcard(text)
        (patterns if is_pattern else accepted).append(converted)
    if not accepted and not patterns:
        raise Refused("no answer gives full credit")
    case_sensitive = _plain(question, "usecase") in ("1", "true")
    if patterns:
        answers = patterns + [re.escape(text) for text in accepted]
        regexp = True
    else:
        answers, regexp = accepted, False
    key = {"answers": answers, "case_sensitive": case_sensitive, "ignore_accents": False, "regexp": regexp}
    return QuestionPart(
        id="part_0",
        type="fill_in_blank",
        config={"blanks": [{"id": "blank_0"}]},
        answer_key={"blanks": {"blank_0": key}},
    )


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Refused(f"{what} {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Refused(f"{what} {text!r} is not a finite number")
    return value


def _numerical(question: etree._Element, warnings: list[str]) -> QuestionPart:
    right = []
    for index, answer in enumerate(question.findall("answer")):
        text = _plain(answer)
        fraction = _fraction(answer)
        if text == "*" or abs(fraction) < 1e-6:
            if _plain(answer.find("feedback")):
                warnings.append(f"the feedback of answer {index + 1} is not kept")
            continue
        if abs(fraction - 1) > 1e-6:
            raise Refused(f"answer {index + 1} gives {fraction:.0%} partial credit, which the vault cannot grade")
        right.append(answer)
    if len(right) != 1:
        raise Refused(f"the vault grades one right number per question; this one has {len(right)}")
    answer = right[0]
    key: dict[str, Any] = {
        "value": _number(_plain(answer), "the answer"),
        "tolerance": abs(_number(_plain(answer, "tolerance") or "0", "the tolerance")),
        "tolerance_mode": "absolute",
    }
    units = []
    for unit in question.findall("units/unit"):
        units.append(
            {
                "name": _plain(unit, "unit_name"),
                "multiplier": _number(_plain(unit, "multiplier") or "1", "a unit multiplier"),
            }
        )
    if units:
        key["units"] = units
        grading = _plain(question, "unitgradingtype") or "0"
        if grading in ("1", "2"):
            key["unit_penalty"] = _number(_plain(question, "unitpenalty") or "0.1", "the unit penalty")
            if grading == "2":
                warnings.append("the unit penalty applies to the response grade, not the question grade")
    return QuestionPart(id="part_0", type="numeric", config={}, answer_key=key)


def _essay(question: etree._Element, warnings: list[str]) -> QuestionPart:
    config: dict[str, Any] = {}
    lines = _plain(question, "responsefieldlines")
    if lines.isdigit() and 1 <= int(lines) <= 200 and int(lines) != 15:  # 15: Moodle's default
        config["expected_lines"] = int(lines)
    key = {}
    model = _rich(question.find("graderinfo"), warnings, "grader information")
    if model:
        key["model_answer"] = model
    warnings.append("essays are marked by a person in Moodle: kept as ungraded, 0 points")
    return QuestionPart(id="part_0", type="extended_text", config=config, answer_key=key)


def _parse_question(question: etree._Element, qtype: str, warnings: list[str]) -> QuestionPart:
    shuffle = _flag(question, "shuffleanswers", False)
    if qtype == "multichoice":
        _combined_feedback_warning(question, warnings)
        choices = _choices(question, warnings)
        if _flag(question, "single", True):
            return single_choice_part(choices, shuffle=shuffle)
        return multi_choice_part(choices, shuffle=shuffle)
    if qtype == "truefalse":
        by_text: dict[str, tuple[float, str]] = {}
        for answer in question.findall("answer"):
            by_text[_plain(answer).lower()] = (_fraction(answer), _rich(answer.find("feedback"), warnings, "feedback"))
        if set(by_text) != {"true", "false"}:
            raise Refused("a true/false question needs the answers 'true' and 'false'")
        choices = [("True", *by_text["true"]), ("False", *by_text["false"])]
        return single_choice_part(choices, ids=["true", "false"])
    if qtype == "shortanswer":
        return _shortanswer(question, warnings)
    if qtype == "numerical":
        return _numerical(question, warnings)
    if qtype == "essay":
        return _essay(question, warnings)
    reason = _UNSUPPORTED.get(qtype, "a question type the vault does not grade")
    raise Refused(f"Moodle question type {qtype!r} is not supported ({reason})")


def read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    root = parse_xml(data, file=name, limits=limits)
    if root.tag != "quiz":
        raise FormatError(f"expected a Moodle XML <quiz>, found <{root.tag}>", file=name, line=root.sourceline)
    items: list[SourceItem] = []
    category: tuple[str, ...] = ()
    names: Counter[tuple[tuple[str, ...], str]] = Counter()
    for question in root.iterchildren("question"):
        qtype = (question.get("type") or "").strip()
        line = question.sourceline
        if qtype == "category":
            category = category_path(_plain(question.find("category")))
            continue
        if len(items) >= limits.max_items:
            raise FormatError(f"the file holds more than {limits.max_items} questions", file=name, line=line)
        title = _plain(question.find("name"))
        idnumber = _plain(question, "idnumber")
        names[(category, title)] += 1
        suffix = "" if names[(category, title)] == 1 else f"~{names[(category, title)]}"
        sid = source_id(category, idnumber=idnumber, name=title + suffix)
        label = title or f"question at line {line}"
        warnings: list[str] = []
        try:
            part = _parse_question(question, qtype, warnings)
        except Refused as error:
            items.append(
                refused_item(
                    source_id=sid,
                    label=label,
                    file=name,
                    line=line,
                    kind=qtype,
                    reason=error.reason,
                    category=category,
                    identifier=idnumber,
                )
            )
            continue
        points_text = _plain(question, "defaultgrade")
        points = 0.0 if part.type == "extended_text" else _safe_points(points_text, warnings)
        items.append(
            item(
                source_id=sid,
                label=label,
                file=name,
                line=line,
                kind=qtype,
                parts=[part],
                title=title,
                prompt=_rich(question.find("questiontext"), warnings, "question text"),
                explanation=_rich(question.find("generalfeedback"), warnings, "general feedback"),
                hints=[_rich(hint, warnings, "hint") for hint in question.findall("hint")],
                tags=[_plain(tag) for tag in question.findall("tags/tag")],
                points=points,
                category=category,
                warnings=warnings,
                identifier=idnumber,
            )
        )
    return ReadResult(format="moodle-xml", file=name, items=tuple(items))


def _safe_points(text: str, warnings: list[str]) -> float:
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        warnings.append(f"defaultgrade {text!r} is not a number; 1 point used")
        return 1.0
    return value if value >= 0 and value == value else 1.0


# --- export -------------------------------------------------------------------------------------------------


def _text(parent: etree._Element, tag: str, value: str, *, fmt: str | None = "html") -> etree._Element:
    element = etree.SubElement(parent, tag, {"format": fmt} if fmt else {})
    text = etree.SubElement(element, "text")
    text.text = etree.CDATA(value) if value and ("<" in value or "&" in value) else value
    return element


def _value(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _num(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def default_name(content: QuestionContent) -> str:
    """Moodle's ``create_default_question_name``: the start of the question text when there is no title."""
    text = html_to_plain(content.prompt or (content.parts[0].prompt if content.parts else "")).replace("\n", " ")
    return (text[:80] or "Question").strip()


def _answer(
    parent: etree._Element, fraction: float, text: str, feedback: str = "", *, fmt: str = "html"
) -> etree._Element:
    answer = etree.SubElement(parent, "answer", {"fraction": _num(round(fraction * 100, 5)), "format": fmt})
    etree.SubElement(answer, "text").text = etree.CDATA(text) if "<" in text or "&" in text else text
    _text(answer, "feedback", feedback)
    return answer


def _unwildcard(pattern: str) -> str | None:
    """The Moodle wildcard answer a pattern came from (``_wildcard`` inverted), or None."""
    pieces = pattern.split(".*")
    plain = []
    for piece in pieces:
        unescaped = re.sub(r"\\(.)", r"\1", piece)
        if re.escape(unescaped) != piece:
            return None
        plain.append(unescaped)
    return "*".join(plain)


def _write_part(question: etree._Element, content: QuestionContent, part: QuestionPart, warnings: list[str]) -> str:
    key, config = part.answer_key, part.config
    if part.type in ("multiple_choice", "dropdown"):
        items = config["choices" if part.type == "multiple_choice" else "options"]
        feedback = key.get("feedback") or {}
        ids = [entry["id"] for entry in items]
        if part.type == "multiple_choice" and ids == ["true", "false"]:
            for entry in items:
                _answer(
                    question,
                    1.0 if entry["id"] == key["correct"] else 0.0,
                    entry["id"],
                    feedback.get(entry["id"], ""),
                    fmt="moodle_auto_format",
                )
            return "truefalse"
        if part.type == "dropdown":
            warnings.append("a dropdown is written as a one-answer multichoice (same grading)")
        _value(question, "single", "true")
        _value(question, "shuffleanswers", "true" if config.get("shuffle") else "false")
        _value(question, "answernumbering", "abc")
        for entry in items:
            _answer(
                question, 1.0 if entry["id"] == key["correct"] else 0.0, entry["text"], feedback.get(entry["id"], "")
            )
        return "multichoice"
    if part.type == "multi_select":
        if config.get("partial_credit", "none") != "penalty":
            raise Refused(
                f"Moodle's multichoice cannot grade the {config.get('partial_credit', 'none')!r} rule "
                "(only right answers sharing +100 % and wrong ones sharing -100 %: the 'penalty' rule)"
            )
        correct = set(key["correct"])
        share = 1 / len(correct)
        feedback = key.get("feedback") or {}
        _value(question, "single", "false")
        _value(question, "shuffleanswers", "true" if config.get("shuffle") else "false")
        _value(question, "answernumbering", "abc")
        for entry in config["choices"]:
            texts = feedback.get(entry["id"]) or {}
            if texts.get("unselected"):
                warnings.append("feedback shown when a choice is left unselected is not kept")
            _answer(question, share if entry["id"] in correct else -share, entry["text"], texts.get("selected", ""))
        return "multichoice"
    if part.type == "fill_in_blank":
        blanks = config["blanks"]
        if len(blanks) != 1:
            raise Refused("Moodle's short answer has one blank; this question has several")
        blank = key["blanks"][blanks[0]["id"]]
        if blank.get("ignore_accents"):
            raise Refused("Moodle's short answer cannot ignore accents")
        answers = list(blank["answers"])
        if blank.get("regexp"):
            converted = [_unwildcard(answer) for answer in answers]
            if any(answer is None for answer in converted):
                raise Refused("Moodle's short answer has '*' wildcards, not regular expressions")
            answers = [answer for answer in converted if answer is not None]
        _value(question, "usecase", "1" if blank.get("case_sensitive") else "0")
        for answer in answers:
            _answer(question, 1.0, answer, fmt="moodle_auto_format")
        return "shortanswer"
    if part.type == "numeric":
        if "range" in key:
            bounds = key["range"]
            if not (bounds.get("low_inclusive", True) and bounds.get("high_inclusive", True)):
                raise Refused("Moodle's numerical tolerance includes both ends; this range excludes one")
            value = (bounds["low"] + bounds["high"]) / 2
            tolerance = (bounds["high"] - bounds["low"]) / 2
        else:
            value = key["value"]
            if key.get("tolerance") is None:
                tolerance = abs(value) * 1e-5
            elif key.get("tolerance_mode") == "percent":
                tolerance = abs(value) * key["tolerance"] / 100
            else:
                tolerance = key["tolerance"]
        answer = _answer(question, 1.0, _num(value), fmt="moodle_auto_format")
        _value(answer, "tolerance", _num(tolerance))
        units = key.get("units") or ()
        if units:
            container = etree.SubElement(question, "units")
            for unit in units:
                element = etree.SubElement(container, "unit")
                _value(element, "multiplier", _num(unit.get("multiplier", 1)))
                _value(element, "unit_name", unit["name"])
        penalty = key.get("unit_penalty")
        _value(question, "unitgradingtype", "1" if penalty is not None else "0")
        _value(question, "unitpenalty", _num(penalty if penalty is not None else 0.1))
        _value(question, "showunits", "0" if units else "3")
        _value(question, "unitsleft", "0")
        return "numerical"
    if part.type == "extended_text":
        _value(question, "responseformat", "editor")
        _value(question, "responserequired", "1")
        _value(question, "responsefieldlines", str(config.get("expected_lines", 15)))
        _value(question, "attachments", "0")
        _value(question, "attachmentsrequired", "0")
        _text(question, "graderinfo", key.get("model_answer", ""))
        _text(question, "responsetemplate", "")
        return "essay"
    raise Refused(f"Moodle XML has no question type for {part.type!r}")


def write(questions: Sequence[ExportQuestion]) -> ExportResult:
    quiz = etree.Element("quiz")
    skipped: list[tuple[str, str]] = []
    warned: list[tuple[str, str]] = []
    current: tuple[str, ...] | None = None
    written = 0
    for entry in sorted(questions, key=lambda q: q.category):
        content = entry.content
        warnings: list[str] = []
        question = etree.Element("question")
        try:
            part = as_single_part(content, "Moodle XML")
            name = etree.SubElement(question, "name")
            etree.SubElement(name, "text").text = content.title or default_name(content)
            _text(question, "questiontext", "\n".join(t for t in (content.prompt, part.prompt) if t))
            _text(question, "generalfeedback", content.explanation)
            _value(question, "defaultgrade", _num(content.points))
            _value(question, "penalty", "0.3333333")
            _value(question, "hidden", "0")
            _value(question, "idnumber", entry.identifier)
            qtype = _write_part(question, content, part, warnings)
        except Refused as error:
            skipped.append((entry.identifier, error.reason))
            continue
        question.set("type", qtype)
        for hint in content.hints:
            _text(question, "hint", hint.text)
            if hint.penalty is not None:
                warnings.append("hint penalties are not kept")
        if content.tags:
            tags = etree.SubElement(question, "tags")
            for tag in content.tags:
                etree.SubElement(etree.SubElement(tags, "tag"), "text").text = tag
        if entry.category != current:
            current = entry.category
            category = etree.SubElement(quiz, "question", {"type": "category"})
            path = "/".join(("$course$", "top", *(part.replace("/", "//") for part in current)))
            _text(category, "category", path, fmt=None)
            _text(category, "info", "", fmt="html")
            _value(category, "idnumber", "")
        quiz.append(question)
        written += 1
        warned.extend((entry.identifier, warning) for warning in dict.fromkeys(warnings))
    etree.indent(quiz, space="  ")
    data = etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return ExportResult(
        data=data,
        filename="questions.xml",
        content_type="application/xml",
        written=written,
        skipped=tuple(skipped),
        warnings=tuple(warned),
    )


def detect(name: str, head: bytes) -> bool:
    return b"<quiz" in head[:4096] and b"questestinterop" not in head[:4096]


FORMAT = QuestionFormat(
    name="moodle-xml",
    label="Moodle XML",
    family=FAMILY,
    read=read,
    write=write,
    detect=detect,
    extensions=(".xml",),
)
