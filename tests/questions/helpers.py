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


def mc(correct: str = "choice_1", n: int = 3, **config: Any) -> QuestionPart:
    return part("multiple_choice", {"choices": choices(n), "shuffle": False, **config}, {"correct": correct})


def fib(*answers: str, **options: Any) -> QuestionPart:
    key = {"answers": list(answers), "case_sensitive": False, "ignore_accents": False, "regexp": False, **options}
    return part("fill_in_blank", {"blanks": [{"id": "blank_0"}]}, {"blanks": {"blank_0": key}})


def numeric(**answer_key: Any) -> QuestionPart:
    return part("numeric", {}, answer_key)
