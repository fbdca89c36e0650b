"""
Aiken import and export, following Moodle's ``question/format/aiken/format.php`` (``readquestions``): a
question is its text, then its options (``/^[A-Z][).][ \t]/``: a capital letter, ``.`` or ``)``, a space or
tab, the text, HTML-escaped as Moodle's ``htmlspecialchars(..., ENT_NOQUOTES)`` does), then ``ANSWER: X``
(its first letter names the option). Lines shorter than two characters are skipped. Moodle reads the question
text on one line; several text lines are joined here rather than dropped. Aiken holds single-answer multiple
choice only, in plain text: no titles, feedback, hints or tags.

Identity: Aiken has no identifiers, so a question is known by its text: ``aiken:<hash of the question text>``.
The export writes the same text back, so an exported file re-imported into its course matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..data import QuestionContent
from .build import Refused, as_single_part, item, refused_item, single_choice_part
from .data import ExportQuestion, ExportResult, FormatError, QuestionFormat, ReadLimits, ReadResult, SourceItem
from .text import html_to_plain, plain_to_html, short_hash

__all__ = ["FORMAT", "read", "write"]

FAMILY = "aiken"
_OPTION = re.compile(r"^([A-Z])[).][ \t]+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*(.*)$")


def source_id(question_text: str) -> str:
    return f"{FAMILY}:{short_hash(question_text)}"


def read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    if len(data) > limits.max_file_bytes:
        raise FormatError(f"the file is larger than {limits.max_file_bytes} bytes", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError("the file is not UTF-8 text", file=name, line=data.count(b"\n", 0, error.start) + 1) from None
    items: list[SourceItem] = []
    question: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if len(line) < 2:  # as Moodle's readquestions
            continue
        option = _OPTION.match(line)
        answer = _ANSWER.match(line)
        if answer and question:
            items.append(_finish(question, options, answer.group(1).strip(), name, start))
            question, options = [], []
        elif option and question:
            options.append((option.group(1), option.group(2).strip()))
        elif options:
            stem = " ".join(question)
            items.append(
                refused_item(
                    source_id=source_id(stem),
                    label=stem[:60],
                    file=name,
                    line=start,
                    kind="multichoice",
                    reason="the options are not followed by an ANSWER: line",
                )
            )
            question, options, start = [line], [], number
        elif answer:
            raise FormatError("ANSWER: without a question before it", file=name, line=number)
        else:
            if not question:
                start = number
            question.append(line)
        if len(items) > limits.max_items:
            raise FormatError(f"the file holds more than {limits.max_items} questions", file=name, line=number)
    if question:
        stem = " ".join(question)
        items.append(
            refused_item(
                source_id=source_id(stem),
                label=stem[:60],
                file=name,
                line=start,
                kind="multichoice",
                reason="the question has no ANSWER: line",
            )
        )
    return ReadResult(format="aiken", file=name, items=tuple(items))


def _finish(question: list[str], options: list[tuple[str, str]], answer: str, name: str, line: int) -> SourceItem:
    stem = " ".join(question)
    sid, label = source_id(stem), stem[:60]
    letters = [letter for letter, _ in options]
    letter = answer[:1]
    if len(options) < 2:
        return refused_item(
            source_id=sid,
            label=label,
            file=name,
            line=line,
            kind="multichoice",
            reason="a question needs at least two options",
        )
    if len(set(letters)) != len(letters):
        return refused_item(
            source_id=sid,
            label=label,
            file=name,
            line=line,
            kind="multichoice",
            reason="two options have the same letter",
        )
    if letter not in letters:
        return refused_item(
            source_id=sid,
            label=label,
            file=name,
            line=line,
            kind="multichoice",
            reason=f"ANSWER: {answer} names no option",
        )
    choices = [(plain_to_html(text), 1.0 if key == letter else 0.0, "") for key, text in options]
    try:
        part = single_choice_part(choices)
    except Refused as error:
        return refused_item(source_id=sid, label=label, file=name, line=line, kind="multichoice", reason=error.reason)
    return item(
        source_id=sid, label=label, file=name, line=line, kind="multichoice", parts=[part], prompt=plain_to_html(stem)
    )


def _question(content: QuestionContent, warnings: list[str]) -> str:
    part = as_single_part(content, "Aiken")
    if part.type not in ("multiple_choice", "dropdown"):
        raise Refused(f"Aiken holds one-answer multiple choice only, not {part.type!r}")
    items = part.config["choices" if part.type == "multiple_choice" else "options"]
    if len(items) > 26:
        raise Refused("Aiken letters its options A to Z; this question has more than 26")
    lost = [
        name
        for name, present in (
            ("title", content.title),
            ("explanation", content.explanation),
            ("hints", content.hints),
            ("tags", content.tags),
            ("feedback", part.answer_key.get("feedback")),
        )
        if present
    ]
    if lost:
        warnings.append("not kept (Aiken has no place for them): " + ", ".join(lost))
    stem = html_to_plain("\n".join(t for t in (content.prompt, part.prompt) if t)).replace("\n", " ")
    if not stem:
        raise Refused("the question has no text")
    lines = [stem]
    answer = ""
    for index, entry in enumerate(items):
        letter = chr(ord("A") + index)
        text = html_to_plain(entry["text"]).replace("\n", " ")
        if not text:
            raise Refused(f"option {letter} has no text")
        lines.append(f"{letter}. {text}")
        if entry["id"] == part.answer_key["correct"]:
            answer = letter
    lines.append(f"ANSWER: {answer}")
    return "\n".join(lines) + "\n"


def write(questions: Sequence[ExportQuestion]) -> ExportResult:
    chunks: list[str] = []
    skipped: list[tuple[str, str]] = []
    warned: list[tuple[str, str]] = []
    for entry in questions:
        warnings: list[str] = []
        try:
            chunks.append(_question(entry.content, warnings))
        except Refused as error:
            skipped.append((entry.identifier, error.reason))
            continue
        warned.extend((entry.identifier, warning) for warning in warnings)
    return ExportResult(
        data="\n".join(chunks).encode(),
        filename="questions.aiken.txt",
        content_type="text/plain; charset=utf-8",
        written=len(chunks),
        skipped=tuple(skipped),
        warnings=tuple(warned),
    )


def detect(name: str, head: bytes) -> bool:
    text = head.decode("utf-8", "ignore")
    return bool(re.search(r"^ANSWER:\s*[A-Z]", text, re.MULTILINE)) and bool(
        re.search(r"^[A-Z][).][ \t]", text, re.MULTILINE)
    )


FORMAT = QuestionFormat(
    name="aiken", label="Aiken", family=FAMILY, read=read, write=write, detect=detect, extensions=(".txt",)
)
