"""
Parsed question content is shared per process by content hash (``questions/content_memo.py``): the same
content parses once, other content or a changed grader registry parses afresh, and the memo is bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ve_edu_vault.questions import content_memo
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import QuestionVersionData, content_hash
from ve_edu_vault.questions.grading import grade_question
from ve_edu_vault.questions.registry import get_registry, reset_registry


def _content(correct: str = "a") -> dict[str, Any]:
    return {
        "title": "Capital",
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
                "answer_key": {"correct": correct},
            }
        ],
    }


def _version(content: dict[str, Any], *, version_id: int = 1, hashed: bool = True) -> QuestionVersionData:
    return QuestionVersionData(
        id=version_id,
        question_id=1,
        number=1,
        content=content,
        type="multiple_choice",
        title="Capital",
        tags=(),
        points=1.0,
        content_hash=content_hash(content) if hashed else "",
        author_id=None,
        created=datetime(2026, 11, 25, tzinfo=UTC),
    )


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    reset_registry()
    yield
    reset_registry()


def test_the_same_content_parses_once_and_equals_a_fresh_parse() -> None:
    first = _version(_content(), version_id=1).to_content()
    again = _version(_content(), version_id=2).to_content()  # another version with equal content
    assert again is first
    assert first == QuestionContent.from_dict(_content())


def test_other_content_parses_on_its_own() -> None:
    right_is_a = _version(_content("a")).to_content()
    right_is_b = _version(_content("b"), version_id=1).to_content()  # the same id, other content: no mix-up
    assert right_is_b is not right_is_a
    assert grade_question(right_is_a, {"p0": "a"}).correct and grade_question(right_is_b, {"p0": "b"}).correct
    assert not grade_question(right_is_b, {"p0": "a"}).correct


def test_a_changed_registry_parses_afresh_so_no_compiled_table_outlives_its_grader() -> None:
    shown = _version(_content()).to_content()
    assert grade_question(shown, {"p0": "a"}).correct  # the grader compiles its table onto the parts
    registry = get_registry()
    registry.register(registry.get("multiple_choice"), replace=True)
    replaced = _version(_content()).to_content()
    assert replaced is not shown and replaced.parts[0]._compiled is None
    reset_registry()
    assert _version(_content()).to_content() is not replaced


def test_content_without_a_hash_is_parsed_every_time() -> None:
    assert _version(_content(), hashed=False).to_content() is not _version(_content(), hashed=False).to_content()


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content_memo, "MEMO_SIZE", 2)
    monkeypatch.setattr(content_memo, "_memo", {})
    for index in range(5):
        _version({**_content(), "title": f"Q{index}"}).to_content()
        assert len(content_memo._memo) <= 2
