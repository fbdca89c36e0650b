"""
Building vault content from a format's pieces, and reading it back for a writer.

TLDR: a reader raises :class:`Refused` for an item the vault cannot represent (the reason is shown to
the author) and calls :func:`item` to turn content into a validated :class:`SourceItem`; writers call
:func:`classify` to learn which shape a question has (or why a format cannot hold it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..data import Hint, QuestionContent, QuestionPart
from ..errors import QuestionError
from ..grading import validate_content
from .data import SourceItem

__all__ = ["Refused", "choice_items", "item", "refused_item"]

# Texts for answer choices and feedback, as (html, fraction 0..1 or -1..1, feedback html).
Choice = tuple[str, float, str]


class Refused(Exception):
    """The item cannot be imported (or a question cannot be written); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def choice_items(texts: Sequence[str], ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    return [{"id": ids[i] if ids else f"choice_{i}", "text": text} for i, text in enumerate(texts)]


def single_choice_part(
    choices: Sequence[Choice],
    *,
    shuffle: bool = False,
    ids: Sequence[str] | None = None,
    list_name: str = "choices",
    qtype: str = "multiple_choice",
) -> QuestionPart:
    """One correct choice (fraction 1); others must be 0 (partial credit has no place in one-answer types)."""
    correct = [i for i, (_, fraction, _) in enumerate(choices) if abs(fraction - 1) < 1e-6]
    if len(correct) != 1:
        raise Refused(f"a one-answer question needs exactly one fully correct answer (found {len(correct)})")
    for index, (_, fraction, _) in enumerate(choices):
        if index != correct[0] and abs(fraction) > 1e-6:
            raise Refused(f"answer {index + 1} gives {fraction:.0%} partial credit, which the vault cannot grade")
    items = choice_items([text for text, _, _ in choices], ids)
    if list_name == "options":
        items = [{**entry, "id": ids[i] if ids else f"option_{i}"} for i, entry in enumerate(items)]
    feedback = {items[i]["id"]: fb for i, (_, _, fb) in enumerate(choices) if fb}
    config: dict[str, Any] = {list_name: items, "shuffle": shuffle}
    answer_key: dict[str, Any] = {"correct": items[correct[0]]["id"]}
    if feedback:
        answer_key["feedback"] = feedback
    return QuestionPart(id="part_0", type=qtype, config=config, answer_key=answer_key)


def multi_choice_part(
    choices: Sequence[Choice], *, shuffle: bool = False, ids: Sequence[str] | None = None
) -> QuestionPart:
    """
    Several correct answers with Moodle/GIFT fractions. Representable: each right answer ``1/k`` and each wrong
    one ``-1/k`` (the vault's ``penalty`` rule, which Moodle computes the same way and floors at 0).
    """
    right = [i for i, (_, fraction, _) in enumerate(choices) if fraction > 1e-6]
    if not right:
        raise Refused("no answer carries credit")
    share = 1 / len(right)
    for index, (_, fraction, _) in enumerate(choices):
        expected = share if index in right else -share
        if abs(fraction - expected) > 0.006:
            raise Refused(
                f"answer {index + 1} gives {fraction:.2%}; the vault grades several right answers only as "
                f"{share:.2%} for each right one and {-share:.2%} for each wrong one"
            )
    items = choice_items([text for text, _, _ in choices], ids)
    feedback = {items[i]["id"]: {"selected": fb} for i, (_, _, fb) in enumerate(choices) if fb}
    answer_key: dict[str, Any] = {"correct": [items[i]["id"] for i in right]}
    if feedback:
        answer_key["feedback"] = feedback
    config = {"choices": items, "shuffle": shuffle, "partial_credit": "penalty"}
    return QuestionPart(id="part_0", type="multi_select", config=config, answer_key=answer_key)


def item(
    *,
    source_id: str,
    label: str,
    file: str,
    line: int | None,
    kind: str,
    parts: Sequence[QuestionPart],
    title: str = "",
    prompt: str = "",
    explanation: str = "",
    hints: Sequence[str] = (),
    tags: Sequence[str] = (),
    points: float | None = None,
    category: tuple[str, ...] = (),
    warnings: Sequence[str] = (),
    identifier: str = "",
) -> SourceItem:
    """A validated importable item, or a refused one naming the invalid field."""
    if points is None:
        points = 0.0 if all(part.type == "extended_text" for part in parts) else 1.0
    try:
        content = QuestionContent(
            parts=tuple(parts),
            title=title,
            prompt=prompt,
            hints=tuple(Hint(text=text) for text in hints if text),
            explanation=explanation,
            tags=tuple(dict.fromkeys(tag for tag in tags if tag)),
            points=points,
        )
        validate_content(content)
    except QuestionError as error:
        return refused_item(
            source_id=source_id,
            label=label,
            file=file,
            line=line,
            kind=kind,
            reason=f"invalid question: {error}",
            category=category,
            identifier=identifier,
        )
    return SourceItem(
        source_id=source_id,
        label=label,
        file=file,
        line=line,
        kind=kind,
        content=content,
        category=category,
        warnings=tuple(warnings),
        identifier=identifier,
    )


def refused_item(
    *,
    source_id: str,
    label: str,
    file: str,
    line: int | None,
    kind: str,
    reason: str,
    category: tuple[str, ...] = (),
    identifier: str = "",
) -> SourceItem:
    return SourceItem(
        source_id=source_id,
        label=label,
        file=file,
        line=line,
        kind=kind,
        reason=reason,
        category=category,
        identifier=identifier,
    )


def as_single_part(content: QuestionContent, format_label: str) -> QuestionPart:
    """The one part of a question, or :class:`Refused` for a multipart one (most formats hold one)."""
    if len(content.parts) != 1:
        raise Refused(f"{format_label} holds one answer area per question; this one has {len(content.parts)}")
    return content.parts[0]


def full_prompt(content: QuestionContent, part: QuestionPart) -> str:
    """Question prompt and part prompt as one fragment (formats with one question text)."""
    return "\n".join(text for text in (content.prompt, part.prompt) if text)
