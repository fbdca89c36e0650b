"""Builders shared by the question tests (imported as a plain module; pytest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

from ve_edu_vault.questions.data import QuestionContent, QuestionPart


def part(type_: str, config: dict[str, Any] | None = None, answer_key: dict[str, Any] | None = None, **kw: Any):
    return QuestionPart(id=kw.pop("id", "part_0"), type=type_, config=config or {}, answer_key=answer_key or {}, **kw)


def question(*parts: QuestionPart, **kw: Any) -> QuestionContent:
    return QuestionContent(parts=parts, **kw)


def choices(n: int, prefix: str = "choice") -> list[dict[str, str]]:
    return [{"id": f"{prefix}_{i}", "text": f"Text {i}"} for i in range(n)]


_PART_FIELDS = ("id", "prompt", "weight")


def _split(kw: dict[str, Any]) -> dict[str, Any]:
    return {name: kw.pop(name) for name in _PART_FIELDS if name in kw}


def mc(correct: str = "choice_1", n: int = 3, **kw: Any) -> QuestionPart:
    fields = _split(kw)
    return part("multiple_choice", {"choices": choices(n), "shuffle": False, **kw}, {"correct": correct}, **fields)


def fib(*answers: str, **kw: Any) -> QuestionPart:
    fields = _split(kw)
    key = {"answers": list(answers), "case_sensitive": False, "ignore_accents": False, "regexp": False, **kw}
    return part("fill_in_blank", {"blanks": [{"id": "blank_0"}]}, {"blanks": {"blank_0": key}}, **fields)


def numeric(**kw: Any) -> QuestionPart:
    fields = _split(kw)
    return part("numeric", {}, kw, **fields)


def capital_content(correct: str = "a", title: str = "Capital") -> dict[str, Any]:
    """A multiple choice question's content as the REST API takes it (choices "a" Paris and "b" Lyon)."""
    return {
        "title": title,
        "tags": ["geo"],
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
                "answer_key": {"correct": correct},
            }
        ],
    }
