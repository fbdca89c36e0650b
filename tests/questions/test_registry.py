"""The grader registry: built-ins, the real entry-point plugin (tests/packages/vault-likert-type), broken plugins."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest
from helpers import mc, numeric, part, question

from ve_edu_vault.questions import registry as registry_module
from ve_edu_vault.questions.errors import InvalidAnswerError, UnknownQuestionTypeError
from ve_edu_vault.questions.grading import grade_question, public_question_view, validate_content
from ve_edu_vault.questions.registry import GraderRegistry, get_registry

BUILTINS = {"multiple_choice", "multi_select", "fill_in_blank", "numeric", "dropdown"}


def test_builtins_are_registered():
    assert set(get_registry().names()) >= BUILTINS
    assert get_registry() is get_registry()


def test_unknown_type_lists_known_types():
    with pytest.raises(UnknownQuestionTypeError) as info:
        GraderRegistry(load_entry_points=False).get("essay")
    assert "essay" in info.value.message
    assert "multiple_choice" in info.value.message and "numeric" in info.value.message
    assert info.value.field == "type"


def test_entry_point_plugin_is_found_and_grades():
    pytest.importorskip("vault_likert_type", reason="pip install tests/packages/vault-likert-type")
    registry = GraderRegistry()
    assert "likert" in registry.names()
    likert = part("likert", {"scale": ["No", "Meh", "Yes"]}, {"target": 2, "tolerance": 0})
    content = question(likert)
    validate_content(content, registry=registry)
    assert grade_question(content, {"part_0": 2}, registry=registry).correct
    assert not grade_question(content, {"part_0": 0}, registry=registry).correct
    assert public_question_view(content, registry=registry)["parts"][0]["config"] == {"scale": ["No", "Meh", "Yes"]}
    with pytest.raises(InvalidAnswerError):
        registry.grade(likert, 7)


def _fake_entry_points(*entries):
    def entry_points(group):
        return [EntryPoint(name=name, value=value, group=group) for name, value in entries]

    return entry_points


def test_broken_plugins_are_logged_and_skipped(monkeypatch, caplog):
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        _fake_entry_points(
            ("missing", "vault_no_such_module:QUESTION_TYPE"),
            ("not_a_type", "json:dumps"),
            ("clash", "ve_edu_vault.questions.types.numeric:QUESTION_TYPE"),
            ("ok", "ve_edu_vault.questions.types.dropdown:QUESTION_TYPE"),
        ),
    )
    registry = GraderRegistry(types=[mc_type() for mc_type in [lambda: get_registry().get("numeric")]])
    with caplog.at_level(logging.ERROR):
        names = registry.names()
    assert names == ("dropdown", "numeric")
    assert set(registry.plugin_errors) == {"missing", "not_a_type", "clash"}
    assert "Skipping question type plugin 'missing'" in caplog.text


def test_plugins_load_once(monkeypatch):
    calls = []

    def entry_points(group):
        calls.append(group)
        return []

    monkeypatch.setattr(registry_module, "entry_points", entry_points)
    registry = GraderRegistry()
    registry.get("numeric")  # built-ins need no plugin scan
    assert calls == []
    for _ in range(3):
        with pytest.raises(UnknownQuestionTypeError):
            registry.get("nope")
    assert calls == ["ve_edu_vault.question_types"]


def test_multipart_grading_is_capa_weighted():
    content = question(
        mc(),
        numeric(value=42, id="part_1"),
        numeric(value=1, id="part_2", weight=2.0),
    )
    result = grade_question(content, {"part_0": "choice_1", "part_1": "41"})
    assert [p.score for p in result.parts] == [1.0, 0.0, 0.0]
    assert result.score == pytest.approx(1 / 4)
    assert not result.correct
    assert result.parts[2].feedback_keys == ("unanswered",)
    assert "part_2/unanswered" in result.feedback_keys
    full = grade_question(content, {"part_0": "choice_1", "part_1": "42", "part_2": "1"})
    assert full.correct and full.score == 1.0
    assert full.to_dict()["parts"][1]["part_id"] == "part_1"


def test_grade_question_rejects_bad_shapes():
    content = question(mc())
    with pytest.raises(InvalidAnswerError):
        grade_question(content, "choice_1")  # type: ignore[arg-type]
    with pytest.raises(InvalidAnswerError) as info:
        grade_question(content, {"part_9": "x"})
    assert info.value.field == "part_9"
    assert grade_question(content, None).score == 0.0


def test_public_question_view_has_no_secrets():
    content = question(
        part(
            "multiple_choice",
            {"choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "shuffle": True},
            {"correct": "b", "feedback": {"a": "SECRET-FEEDBACK"}},
        ),
        explanation="SECRET-EXPLANATION",
    )
    view = public_question_view(content, seed="attempt-9")
    assert "SECRET" not in repr(view)
    assert "answer_key" not in repr(view)
    assert view["parts"][0]["config"]["choices"]
