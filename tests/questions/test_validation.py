"""Config validation errors name the offending field; content (de)serialisation is lossless."""

# ruff: noqa: E501 - one table row per line reads better than wrapped rows

from __future__ import annotations

import json

import pytest
from helpers import choices, mc, part, question

from ve_edu_vault.questions.data import Hint, QuestionContent
from ve_edu_vault.questions.errors import InvalidQuestionConfigError
from ve_edu_vault.questions.grading import validate_content
from ve_edu_vault.questions.registry import get_registry

MC_OK = {"choices": choices(3), "shuffle": False}
BLANK = {"blanks": [{"id": "blank_0"}]}


def _key(**options):
    return {"blanks": {"blank_0": {"answers": ["x"], **options}}}


@pytest.mark.parametrize(
    ("type_", "config", "answer_key", "field"),
    [
        ("multiple_choice", {}, {"correct": "choice_0"}, "config.choices"),
        ("multiple_choice", {"choices": choices(1)}, {"correct": "choice_0"}, "config.choices"),
        ("multiple_choice", {"choices": [*choices(2), {"id": "c", "text": " "}]}, {"correct": "c"}, "config.choices[2].text"),
        ("multiple_choice", {"choices": [*choices(2), {"id": "choice_0", "text": "x"}]}, {}, "config.choices[2].id"),
        ("multiple_choice", {"choices": [*choices(2), "x"]}, {}, "config.choices[2]"),
        ("multiple_choice", {**MC_OK, "shuffle": "yes"}, {"correct": "choice_0"}, "config.shuffle"),
        ("multiple_choice", MC_OK, {}, "answer_key.correct"),
        ("multiple_choice", MC_OK, {"correct": "choice_7"}, "answer_key.correct"),
        ("multiple_choice", MC_OK, {"correct": "choice_0", "feedback": {"zz": "x"}}, "answer_key.feedback.zz"),
        ("multiple_choice", {"choices": [{"id": "a", "text": "x", "fixed": 1}, *choices(2)]}, {}, "config.choices[0].fixed"),
        ("dropdown", {"options": choices(2, "option")}, {"correct": "option_9"}, "answer_key.correct"),
        ("dropdown", {"options": [{"id": "o", "text": ""}, *choices(2)]}, {}, "config.options[0].text"),
        ("multi_select", {**MC_OK, "partial_credit": "most"}, {"correct": []}, "config.partial_credit"),
        ("multi_select", MC_OK, {"correct": "choice_0"}, "answer_key.correct"),
        ("multi_select", MC_OK, {"correct": ["choice_0", "nope"]}, "answer_key.correct[1]"),
        ("multi_select", MC_OK, {"correct": [], "feedback": {"choice_0": {"maybe": "x"}}}, "answer_key.feedback.choice_0.maybe"),
        ("fill_in_blank", {"blanks": []}, _key(), "config.blanks"),
        ("fill_in_blank", {"blanks": [{"id": "blank_0", "size": 0}]}, _key(), "config.blanks[0].size"),
        ("fill_in_blank", BLANK, {"blanks": {}}, "answer_key.blanks.blank_0"),
        ("fill_in_blank", BLANK, {"blanks": {"blank_0": {"answers": []}}}, "answer_key.blanks.blank_0.answers"),
        ("fill_in_blank", BLANK, _key(case_sensitive="no"), "answer_key.blanks.blank_0.case_sensitive"),
        ("fill_in_blank", BLANK, {"blanks": {"blank_0": {"answers": ["ok", "(", "x"], "regexp": True}}},
         "answer_key.blanks.blank_0.answers[1]"),
        ("fill_in_blank", BLANK, {"blanks": {"blank_0": {"answers": ["a" * 501], "regexp": True}}},
         "answer_key.blanks.blank_0.answers[0]"),
        ("fill_in_blank", BLANK, {"blanks": {"blank_0": {"answers": ["x"]}, "other": {"answers": ["y"]}}},
         "answer_key.blanks.other"),
        ("numeric", {}, {}, "answer_key"),
        ("numeric", {}, {"value": 1, "range": {"low": 0, "high": 1}}, "answer_key"),
        ("numeric", {}, {"value": "1"}, "answer_key.value"),
        ("numeric", {}, {"value": float("nan")}, "answer_key.value"),
        ("numeric", {}, {"value": True}, "answer_key.value"),
        ("numeric", {}, {"value": 1, "tolerance": -1}, "answer_key.tolerance"),
        ("numeric", {}, {"value": 1, "tolerance": 1, "tolerance_mode": "ppm"}, "answer_key.tolerance_mode"),
        ("numeric", {}, {"range": {"low": 2, "high": 1}}, "answer_key.range"),
        ("numeric", {}, {"range": {"low": 1, "high": 1, "low_inclusive": False}}, "answer_key.range"),
        ("numeric", {}, {"range": {"low": float("-inf"), "high": 1}}, "answer_key.range.low"),
    ],
)  # fmt: skip
def test_validation_names_the_field(type_, config, answer_key, field):
    with pytest.raises(InvalidQuestionConfigError) as info:
        get_registry().get(type_).validate(config, answer_key)
    assert info.value.field == field
    assert info.value.message
    assert info.value.as_dict()["error_code"] == "invalid_question_config"


def test_validate_content_prefixes_the_part():
    content = question(mc(), part("numeric", {}, {"value": "x"}, id="part_1"))
    with pytest.raises(InvalidQuestionConfigError) as info:
        validate_content(content)
    assert info.value.field == "parts[1].answer_key.value"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parts": []}, "parts"),
        ({"parts": "x"}, "parts"),
        ({"parts": [{"id": "a", "type": "numeric"}, {"id": "a", "type": "numeric"}]}, "parts[1].id"),
        ({"parts": [{"id": "a", "type": 3}]}, "parts[0].type"),
        ({"parts": [{"id": "a", "type": "numeric", "config": []}]}, "parts[0].config"),
        ({"parts": [{"id": "a", "type": "numeric", "weight": -1}]}, "parts[0].weight"),
        ({"parts": [{"id": "a", "type": "numeric"}], "hints": [{"text": 1}]}, "hints[0].text"),
        ({"parts": [{"id": "a", "type": "numeric"}], "points": float("inf")}, "points"),
        ({"parts": [{"id": "a", "type": "numeric"}], "type": "dropdown"}, "type"),
        ({"parts": [{"id": "a", "type": "numeric"}], "schema_version": 99}, "schema_version"),
    ],
)
def test_from_dict_errors_name_the_field(data, field):
    with pytest.raises(InvalidQuestionConfigError) as info:
        QuestionContent.from_dict(data)
    assert info.value.field == field


def test_to_dict_round_trip_through_json():
    content = question(
        mc(),
        part("numeric", {}, {"range": {"low": 1, "high": 2}}, id="part_1", weight=2.0),
        title="T",
        prompt="<p>P</p>",
        hints=(Hint(text="h1"), Hint(text="h2", penalty=0.25)),
        explanation="E",
        tags=("algebra", "easy"),
        points=3.0,
    )
    data = json.loads(json.dumps(content.to_dict()))
    assert data["type"] == "multipart"
    assert data["parts"][0]["config"]["choices"][0] == {"id": "choice_0", "text": "Text 0"}
    again = QuestionContent.from_dict(data)
    assert again == content
    assert again.to_dict() == data


def test_content_is_deeply_immutable():
    content = question(mc())
    with pytest.raises(TypeError):
        content.parts[0].config["shuffle"] = True  # type: ignore[index]
    with pytest.raises(AttributeError):
        content.parts[0].config["choices"].append({})  # tuples have no append
    assert content.type == "multiple_choice" and not content.is_multipart
