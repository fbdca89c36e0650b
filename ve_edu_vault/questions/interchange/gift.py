"""
GIFT import and export, following Moodle's reader and writer, ``question/format/gift/format.php``
(moodle/moodle): questions separated by blank lines, ``//`` comment lines (``[id:...]`` and ``[tag:...]``
in them carry the idnumber and tags, ``extract_idnumber_and_tags_from_comment``), ``$CATEGORY:`` switches,
``::name::``, the ``[html]``/``[plain]``/``[markdown]``/``[moodle]`` text formats, the escapes ``\\: \\# \\= \\{
\\} \\~ \\n \\\\`` (``escapedchar_pre``/``escapedchar_post``, ``repchar`` on export), ``####`` general feedback,
``%weight%`` answers and ``#feedback``.

Types as Moodle decides them: ``{}`` essay (-> extended_text, ungraded), ``{#...}`` numerical (``value:margin``
or ``min..max``), ``~`` in the answers multichoice (single when one answer starts with ``=``), ``=`` and ``->``
matching (refused), ``T``/``TRUE``/``F``/``FALSE`` true/false, anything else short answer. A question without
braces is a description (refused). Text after the closing brace makes a missing-word question: the prompt
gets ``_____`` where the answers were.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..data import QuestionContent, QuestionPart
from .build import Refused, as_single_part, item, multi_choice_part, refused_item, single_choice_part
from .data import ExportQuestion, ExportResult, FormatError, QuestionFormat, ReadLimits, ReadResult, SourceItem
from .moodle_xml import FAMILY, category_path, default_name, source_id
from .text import html_to_plain, plain_to_html, short_hash

__all__ = ["FORMAT", "read", "write"]

# Escaped control characters become private-use characters while parsing (Moodle uses "&&058;" placeholders).
_ESCAPES = {
    "\\:": "\ue03a",
    "\\#": "\ue023",
    "\\=": "\ue03d",
    "\\{": "\ue07b",
    "\\}": "\ue07d",
    "\\~": "\ue07e",
    "\\n": "\ue00a",
}
_RESTORE = {"\ue03a": ":", "\ue023": "#", "\ue03d": "=", "\ue07b": "{", "\ue07d": "}", "\ue07e": "~", "\ue00a": "\n"}
_BACKSLASH = "\ue05c"
_WEIGHT = re.compile(r"^%(-?[0-9]{1,3}(?:\.[0-9]*)?)%")
_ID = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f])+)\]")


def _pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text.replace(_BACKSLASH, "\\")


def _post(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _rich(text: str, default: str, warnings: list[str], what: str) -> str:
    """A GIFT text with its optional ``[format]`` prefix as an HTML fragment."""
    text = text.strip()
    fmt = default
    match = re.match(r"^\[(html|moodle|plain|markdown)\]", text)
    if match:
        fmt, text = match.group(1), text[match.end() :]
    text = _post(text).strip()
    if fmt == "html":
        return text
    if fmt == "markdown":
        warnings.append(f"the {what} is markdown; it is kept as plain text")
    if fmt == "moodle" and "<" in text:
        return text
    return plain_to_html(text)


def _format_of(text: str) -> str:
    match = re.match(r"^\s*\[(html|moodle|plain|markdown)\]", text)
    return match.group(1) if match else "moodle"


def _comment(answer: str, fmt: str, warnings: list[str]) -> tuple[str, str]:
    """``text#feedback`` -> (text html, feedback html)."""
    text, _, feedback = answer.partition("#")
    return _rich(text, fmt, warnings, "answer"), _rich(feedback, fmt, warnings, "feedback") if feedback else ""


def _weighted(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if match:
        return float(match.group(1)) / 100, answer[match.end() :]
    return default, answer


def _multichoice(answers_text: str, fmt: str, warnings: list[str]) -> QuestionPart:
    single = "=" in answers_text
    answers = [a.strip() for a in answers_text.replace("=", "~=").split("~")]
    if answers and not answers[0]:
        answers = answers[1:]
    if len(answers) < 2:
        raise Refused("a multiple choice question needs at least two answers")
    choices = []
    for answer in answers:
        if answer.startswith("="):
            fraction, answer = 1.0, answer[1:]
        else:
            fraction, answer = _weighted(answer, 0.0)
        text, feedback = _comment(answer, fmt, warnings)
        choices.append((text, fraction, feedback))
    return single_choice_part(choices) if single else multi_choice_part(choices)


def _shortanswer(answers_text: str, fmt: str, warnings: list[str]) -> QuestionPart:
    answers = [a.strip() for a in answers_text.split("=")]
    if answers and not answers[0]:
        answers = answers[1:]
    accepted = []
    for index, answer in enumerate(answers):
        fraction, answer = _weighted(answer, 1.0)
        text, _, feedback = answer.partition("#")
        if feedback.strip():
            warnings.append(f"the feedback of answer {index + 1} is not kept (short answers have no feedback)")
        if abs(fraction) < 1e-6:
            continue
        if abs(fraction - 1) > 1e-6:
            raise Refused(f"answer {index + 1} gives {fraction:.0%} partial credit, which the vault cannot grade")
        accepted.append(_post(text).strip())
    if not accepted:
        raise Refused("no answer gives full credit")
    key = {"answers": accepted, "case_sensitive": False, "ignore_accents": False, "regexp": False}
    return QuestionPart(
        id="part_0",
        type="fill_in_blank",
        config={"blanks": [{"id": "blank_0"}]},
        answer_key={"blanks": {"blank_0": key}},
    )


def _numerical(answers_text: str, warnings: list[str]) -> QuestionPart:
    text = answers_text[1:]
    wrong = text.find("~")
    if wrong >= 0:
        warnings.append("the feedback for wrong answers is not kept")
        text = text[:wrong]
    answers = [a.strip() for a in text.split("=")]
    if answers and not answers[0] and len(answers) > 1:
        answers = answers[1:]
    right = []
    for answer in answers:
        fraction, answer = _weighted(answer, 1.0)
        value, _, feedback = answer.partition("#")
        if feedback.strip():
            warnings.append("the feedback of a numerical answer is not kept")
        if abs(fraction) < 1e-6:
            continue
        if abs(fraction - 1) > 1e-6:
            raise Refused(f"an answer gives {fraction:.0%} partial credit, which the vault cannot grade")
        right.append(_post(value).strip())
    if len(right) != 1:
        raise Refused(f"the vault grades one right number per question; this one has {len(right)}")
    value = right[0]
    try:
        if ".." in value:
            low, high = (float(v) for v in value.split("..", 1))
            key: dict[str, Any] = {"range": {"low": low, "high": high}}
        elif ":" in value:
            number, margin = value.split(":", 1)
            key = {"value": float(number), "tolerance": abs(float(margin)), "tolerance_mode": "absolute"}
        else:
            key = {"value": float(value), "tolerance": 0.0, "tolerance_mode": "absolute"}
    except ValueError:
        raise Refused(f"{value!r} is not a number, a number:margin or a min..max range") from None
    return QuestionPart(id="part_0", type="numeric", config={}, answer_key=key)


def _truefalse(answers_text: str, fmt: str, warnings: list[str]) -> QuestionPart:
    answer, wrong_fb, right_fb = ([*answers_text.split("#", 2), "", ""])[:3]
    is_true = answer.strip() in ("T", "TRUE")
    wrong, right = _rich(wrong_fb, fmt, warnings, "feedback"), _rich(right_fb, fmt, warnings, "feedback")
    true_fb, false_fb = (right, wrong) if is_true else (wrong, right)
    choices = [("True", 1.0 if is_true else 0.0, true_fb), ("False", 0.0 if is_true else 1.0, false_fb)]
    return single_choice_part(choices, ids=["true", "false"])


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions as (first line number, lines), split on blank lines as Moodle's ``readquestions`` does."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _parse_block(lines: list[str], warnings: list[str]) -> tuple[str, dict[str, Any]]:
    comments = "\n".join(line.strip() for line in lines if line.strip().startswith("//"))
    body = "\n".join(line for line in lines if not line.strip().startswith("//")).strip()
    meta: dict[str, Any] = {"comments": comments}
    if not body:
        return "comment", meta
    text = _pre(body)
    if text.startswith("$CATEGORY:"):
        meta["category"] = category_path(_post(text[10:]).strip())
        return "category", meta
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            name, text = _post(text[2:end]).strip(), text[end + 2 :].strip()
        else:
            text = text[2:]
    meta["name"] = name
    start, finish = text.find("{"), text.find("}")
    fmt = _format_of(text)
    if start < 0 and finish < 0:
        meta["prompt"] = _rich(text, "moodle", warnings, "question text")
        return "description", meta
    if start < 0 or finish < 0 or finish < start:
        raise Refused("the answers are not enclosed in one pair of braces { }")
    answers_text = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    question_text = text[:start] + ("_____ " + after if after else "")
    general = answers_text.rfind("####")
    explanation = ""
    if general >= 0:
        explanation = _rich(answers_text[general + 4 :], fmt, warnings, "general feedback")
        answers_text = answers_text[:general].strip()
    meta["prompt"] = _rich(question_text, "moodle", warnings, "question text")
    meta["explanation"] = explanation
    if answers_text == "":
        return "essay", meta
    if answers_text.startswith("#"):
        meta["part"] = _numerical(answers_text, warnings)
        return "numerical", meta
    if "~" in answers_text:
        meta["part"] = _multichoice(answers_text, fmt, warnings)
        return "multichoice", meta
    if "=" in answers_text and "->" in answers_text:
        return "match", meta
    check = answers_text.split("#", 1)[0].strip()
    if check in ("T", "TRUE", "F", "FALSE"):
        meta["part"] = _truefalse(answers_text, fmt, warnings)
        return "truefalse", meta
    meta["part"] = _shortanswer(answers_text, fmt, warnings)
    return "shortanswer", meta


def read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    if len(data) > limits.max_file_bytes:
        raise FormatError(f"the file is larger than {limits.max_file_bytes} bytes", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FormatError("the file is not UTF-8 text", file=name, line=line) from None
    items: list[SourceItem] = []
    category: tuple[str, ...] = ()
    names: Counter[tuple[tuple[str, ...], str]] = Counter()
    for line, lines in _blocks(text):
        warnings: list[str] = []
        try:
            kind, meta = _parse_block(lines, warnings)
        except Refused as error:
            kind, meta = "invalid", {"refusal": error.reason, "name": "", "comments": ""}
        if kind == "comment":
            continue
        if kind == "category":
            category = meta["category"]
            continue
        if len(items) >= limits.max_items:
            raise FormatError(f"the file holds more than {limits.max_items} questions", file=name, line=line)
        idnumber_match = _ID.search(meta.get("comments", ""))
        idnumber = idnumber_match.group(1).replace("\\]", "]").strip() if idnumber_match else ""
        tags = [tag.replace("\\]", "]").strip() for tag in _TAG.findall(meta.get("comments", ""))]
        title = meta.get("name", "")
        if idnumber:
            sid = source_id(category, idnumber=idnumber)
        else:
            key = title or f"text:{short_hash(meta.get('prompt', '') or ' '.join(lines))}"
            names[(category, key)] += 1
            count = names[(category, key)]
            sid = source_id(category, name=key + ("" if count == 1 else f"~{count}"))
        label = title or html_to_plain(meta.get("prompt", ""))[:60] or f"question at line {line}"
        if kind == "invalid" or ("part" not in meta and kind != "essay"):
            reason = meta.get("refusal") or {
                "description": "a description without answers, not a question",
                "match": "matching questions are not supported",
            }.get(kind, "not a GIFT question")
            items.append(
                refused_item(
                    source_id=sid,
                    label=label,
                    file=name,
                    line=line,
                    kind=kind,
                    reason=reason,
                    category=category,
                    identifier=idnumber,
                )
            )
            continue
        if kind == "essay":
            warnings.append("essays are marked by a person in Moodle: kept as ungraded, 0 points")
            part = QuestionPart(id="part_0", type="extended_text", config={}, answer_key={})
        else:
            part = meta["part"]
        items.append(
            item(
                source_id=sid,
                label=label,
                file=name,
                line=line,
                kind=kind,
                parts=[part],
                title=title,
                prompt=meta["prompt"],
                explanation=meta.get("explanation", ""),
                tags=tags,
                category=category,
                warnings=warnings,
                identifier=idnumber,
            )
        )
    return ReadResult(format="gift", file=name, items=tuple(items))


# --- export -------------------------------------------------------------------------------------------------


def repchar(text: str) -> str:
    """Moodle's ``repchar``: escape ``\\ # = ~ { } :`` and line breaks."""
    for char, escaped in (
        ("\\", "\\\\"),
        ("#", "\\#"),
        ("=", "\\="),
        ("~", "\\~"),
        ("{", "\\{"),
        ("}", "\\}"),
        (":", "\\:"),
        ("\n", "\\n"),
        ("\r", ""),
    ):
        text = text.replace(char, escaped)
    return text


def _html(text: str) -> str:
    return f"[html]{repchar(text)}" if text else ""


def _answers(part: QuestionPart) -> str:
    key, config = part.answer_key, part.config
    if part.type in ("multiple_choice", "dropdown"):
        items = config["choices" if part.type == "multiple_choice" else "options"]
        feedback = key.get("feedback") or {}
        if part.type == "multiple_choice" and [entry["id"] for entry in items] == ["true", "false"]:
            is_true = key["correct"] == "true"
            right, wrong = (feedback.get("true", ""), feedback.get("false", ""))
            if not is_true:
                right, wrong = wrong, right
            out = "TRUE" if is_true else "FALSE"
            if wrong or right:
                out += "#" + _html(wrong)
            if right:
                out += "#" + _html(right)
            return out
        lines = []
        for entry in items:
            mark = "=" if entry["id"] == key["correct"] else "~"
            line = f"\t{mark}{_html(entry['text'])}"
            if feedback.get(entry["id"]):
                line += "#" + _html(feedback[entry["id"]])
            lines.append(line)
        return "\n" + "\n".join(lines) + "\n"
    if part.type == "multi_select":
        if config.get("partial_credit", "none") != "penalty":
            raise Refused(f"GIFT weights cannot express the {config.get('partial_credit', 'none')!r} rule")
        correct = set(key["correct"])
        share = 100 / len(correct)
        feedback = key.get("feedback") or {}
        lines = []
        for entry in config["choices"]:
            weight = share if entry["id"] in correct else -share
            line = f"\t~%{weight:.5g}%{_html(entry['text'])}"
            selected = (feedback.get(entry["id"]) or {}).get("selected")
            if selected:
                line += "#" + _html(selected)
            lines.append(line)
        return "\n" + "\n".join(lines) + "\n"
    if part.type == "fill_in_blank":
        blanks = config["blanks"]
        if len(blanks) != 1:
            raise Refused("GIFT short answers have one blank")
        blank = key["blanks"][blanks[0]["id"]]
        if blank.get("case_sensitive") or blank.get("ignore_accents") or blank.get("regexp"):
            raise Refused("GIFT short answers are matched ignoring case only (no patterns, no accent rules)")
        return "\n" + "\n".join(f"\t={repchar(answer)}" for answer in blank["answers"]) + "\n"
    if part.type == "numeric":
        if key.get("units"):
            raise Refused("GIFT numerical answers have no units")
        if "range" in key:
            bounds = key["range"]
            if not (bounds.get("low_inclusive", True) and bounds.get("high_inclusive", True)):
                raise Refused("GIFT ranges include both ends; this one excludes one")
            return f"#{bounds['low']!r}..{bounds['high']!r}"
        value = key["value"]
        if key.get("tolerance") is None:
            tolerance = abs(value) * 1e-5
        elif key.get("tolerance_mode") == "percent":
            tolerance = abs(value) * key["tolerance"] / 100
        else:
            tolerance = key["tolerance"]
        return f"#{float(value)!r}:{float(tolerance)!r}"
    if part.type == "extended_text":
        return ""
    raise Refused(f"GIFT has no question type for {part.type!r}")


def _question(entry: ExportQuestion, warnings: list[str]) -> str:
    content: QuestionContent = entry.content
    part = as_single_part(content, "GIFT")
    answers = _answers(part)
    if content.hints:
        warnings.append("hints are not kept (GIFT has none)")
    if part.config.get("shuffle"):
        warnings.append("shuffling is not kept (GIFT leaves it to Moodle's default)")
    if any(choice.get("fixed") for choice in part.config.get("choices", ())):
        warnings.append("fixed choice positions are not kept")
    expected_points = 0.0 if part.type == "extended_text" else 1.0
    if content.points != expected_points:
        warnings.append(f"points ({content.points:g}) are not kept (GIFT has none)")
    comment = [f"// [id:{entry.identifier.replace(']', chr(92) + ']')}]"]
    comment += [f"// [tag:{tag.replace(']', chr(92) + ']')}]" for tag in content.tags]
    prompt = "\n".join(text for text in (content.prompt, part.prompt) if text)
    general = f"####{_html(content.explanation)}" if content.explanation else ""
    name = repchar(content.title or default_name(content))
    return "\n".join(comment) + f"\n::{name}::{_html(prompt)}{{{answers}{general}}}\n"


def write(questions: Sequence[ExportQuestion]) -> ExportResult:
    chunks: list[str] = []
    skipped: list[tuple[str, str]] = []
    warned: list[tuple[str, str]] = []
    current: tuple[str, ...] | None = None
    for entry in sorted(questions, key=lambda q: q.category):
        warnings: list[str] = []
        try:
            text = _question(entry, warnings)
        except Refused as error:
            skipped.append((entry.identifier, error.reason))
            continue
        if entry.category != current:
            current = entry.category
            chunks.append("$CATEGORY: " + "/".join(("$course$", "top", *current)) + "\n")
        chunks.append(text)
        warned.extend((entry.identifier, warning) for warning in warnings)
    data = "\n".join(chunks).encode()
    return ExportResult(
        data=data,
        filename="questions.gift.txt",
        content_type="text/plain; charset=utf-8",
        written=len(questions) - len(skipped),
        skipped=tuple(skipped),
        warnings=tuple(warned),
    )


_GIFT_HINT = re.compile(rb"^\s*(?:\$CATEGORY:|::[^\n]*::|[^\n{]*\{[^}]*[=~#}])", re.MULTILINE)


def detect(name: str, head: bytes) -> bool:
    lowered = name.lower()
    if lowered.endswith(".gift"):
        return True
    if lowered.endswith((".xml", ".zip")) or head.lstrip().startswith(b"<"):
        return False
    return bool(_GIFT_HINT.search(head))


FORMAT = QuestionFormat(
    name="gift", label="GIFT", family=FAMILY, read=read, write=write, detect=detect, extensions=(".gift", ".txt")
)
