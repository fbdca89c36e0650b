"""capa OLX import and export: the shared course, own fixtures, unsupported problems and exact round trips."""

# ruff: noqa: RUF001, E501 - fixtures use real typography (the multiplication sign); long table rows

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import choices, fib, mc, numeric, part, question

from ve_edu_vault.questions.data import Hint, QuestionContent
from ve_edu_vault.questions.grading import grade_question
from ve_edu_vault.questions.olx import export_problem, parse_problem, parse_problem_file

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = Path(__file__).resolve().parents[3] / "shared/olx/openedx-test-course/course/problem"

# file stem -> (type, a right answer, a wrong answer)
MC_3RD = ("multiple_choice", "choice_2", "choice_0")
CHECKS_II = ("multi_select", ["choice_2", "choice_3"], ["choice_2"])
CHECKS_I = ("multi_select", ["choice_0", "choice_3"], ["choice_0", "choice_1", "choice_3"])
CHECKS_III = ("multi_select", ["choice_1", "choice_3"], [])
SHARED = {
    "04a66c2bb760864075eb": CHECKS_III,
    "28378a09af53410ba03ed072863488a4": ("multiple_choice", "choice_1", "choice_0"),
    "341baa3fe7f662081cea": CHECKS_I,
    "4159785f80b361f32e92": CHECKS_II,
    "4a0070d68276292af155": CHECKS_II,
    "8eb6de9a4f5c0d843556": MC_3RD,
    "a234880f24244bed9b2c0bf3c9d2fe74": ("multiple_choice", "choice_2", "choice_1"),
    "b44f525ef4601d0b9c64": ("dropdown", "option_0", "option_1"),
    "bb452f196525c5d093d8": CHECKS_III,
    "c414277f90888e529175": CHECKS_I,
    "ca5d43ef2b5cd4a80dfb": ("dropdown", "option_1", "option_0"),
    "ceee8e7dfc7b79f08c49": ("multiple_choice", "choice_0", "choice_3"),
    "cf484a62802017e5d7d9": CHECKS_I,
    "d424b704e328ae4b7906": ("dropdown", "option_3", "option_2"),
    "dfaae33a2ff7c69258e4": ("dropdown", "option_2", "option_3"),
    "e167b496dc1741ab864cd2d138b17d01": ("multiple_choice", "choice_0", "choice_2"),
    "f57f776b383dc04d968f": ("multiple_choice", "choice_1", "choice_2"),
    "fa066993996a3a4b0ffe": CHECKS_I,
    "fb8f715a0aeabe4399f0": ("multiple_choice", "choice_3", "choice_0"),
}


def _content(path: Path) -> QuestionContent:
    result = parse_problem_file(path)
    assert result.ok, getattr(result, "reason", "")
    return result.content


def test_every_shared_problem_is_known():
    if not COURSE.is_dir():
        pytest.skip(f"shared course not found at {COURSE}")
    assert {p.stem for p in COURSE.glob("*.xml")} == set(SHARED)


@pytest.mark.parametrize("stem", sorted(SHARED))
def test_shared_course_problem(stem):
    if not COURSE.is_dir():
        pytest.skip(f"shared course not found at {COURSE}")
    type_, right, wrong = SHARED[stem]
    content = _content(COURSE / f"{stem}.xml")
    assert content.type == type_ and len(content.parts) == 1
    assert grade_question(content, {"part_0": right}).correct
    assert not grade_question(content, {"part_0": wrong}).correct
    assert parse_problem(export_problem(content)).content == content


def test_shared_course_prompt_and_title():
    if not COURSE.is_dir():
        pytest.skip(f"shared course not found at {COURSE}")
    video = _content(COURSE / "28378a09af53410ba03ed072863488a4.xml")
    assert video.title == "Question accompanying video "
    assert video.parts[0].prompt == "Which video were you shown?"
    assert [c["text"] for c in video.parts[0].config["choices"]] == ["anant", "crab rave", "free shavacdo"]
    checks = _content(COURSE / "04a66c2bb760864075eb.xml")
    assert checks.parts[0].prompt == '<h3 class="hd hd-2 problem-header">Checks III</h3>'
    assert checks.parts[0].config["partial_credit"] == "none"


def test_numeric_fixture_with_hints_and_solution():
    content = _content(FIXTURES / "numeric_tolerance.xml")
    assert content.type == "numeric" and content.title == "Gravity" and content.points == 2.0
    assert content.prompt == "<p>Physics warm-up.</p>"
    assert content.parts[0].answer_key == {"value": 9.81, "tolerance": 1.0, "tolerance_mode": "percent"}
    assert content.parts[0].prompt.startswith("<label>What is the acceleration")  # label + description kept
    assert [h.text for h in content.hints] == ["Think of a falling apple.", "It is a little under ten."]
    assert content.explanation == "<p>Standard gravity is 9.80665 m/s².</p>"
    assert grade_question(content, {"part_0": "9.9"}).correct
    assert not grade_question(content, {"part_0": "9.95"}).correct


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("numeric_range.xml", "6.99", "7"),
        ("numeric_absolute.xml", "1200.5", "1201"),
        ("text_input.xml", " paris ", "London"),
        ("text_input.xml", "Lutèce", "Lutece"),
        ("text_regexp.xml", "color", "Colour"),
        ("text_regexp.xml", "hue", "hues"),
        ("dropdown_hints.xml", "option_1", "option_0"),
        ("checkbox_hints.xml", ["choice_0", "choice_1"], ["choice_0"]),
    ],
)
def test_own_fixtures(name, right, wrong):
    content = _content(FIXTURES / name)
    assert grade_question(content, {"part_0": right}).correct
    assert not grade_question(content, {"part_0": wrong}).correct
    assert parse_problem(export_problem(content)).content == content


def test_fixture_details():
    text = _content(FIXTURES / "text_input.xml").parts[0]
    assert text.config == {"blanks": ({"id": "blank_0", "size": 20},)}
    assert text.answer_key["blanks"]["blank_0"]["answers"] == ("Paris", "Lutèce")
    assert text.answer_key["blanks"]["blank_0"]["case_sensitive"] is False
    checks = parse_problem_file(FIXTURES / "checkbox_hints.xml")
    assert checks.warnings == ("Compound hints (<compoundhint>) are not imported.",)
    part0 = checks.content.parts[0]
    assert part0.config["partial_credit"] == "edc"
    assert part0.answer_key["feedback"]["choice_2"] == {
        "selected": "4 = 2 × 2.",
        "unselected": "Right, 4 is not prime.",
    }
    result = grade_question(checks.content, {"part_0": ["choice_0", "choice_2"]})
    assert result.score == 0.5
    assert result.feedback["part_0/choice_2:selected"] == "4 = 2 × 2."
    assert _content(FIXTURES / "dropdown_hints.xml").parts[0].answer_key["feedback"] == {
        "option_0": "Not green.",
        "option_1": "Yes.",
    }


def test_multipart_fixture():
    content = _content(FIXTURES / "multipart.xml")
    assert content.type == "multipart"
    assert [p.type for p in content.parts] == ["multiple_choice", "numeric", "dropdown"]
    assert content.prompt == "<p>Answer the three questions below.</p>"
    assert content.parts[1].prompt == "<p>Now some arithmetic.</p>\n<label>What is 6 × 7?</label>"
    assert content.parts[2].prompt == "Water boils at 100 °C at sea level."
    assert content.parts[2].config["options"] == (
        {"id": "option_0", "text": "True"},
        {"id": "option_1", "text": "False"},
    )
    assert content.parts[0].config["shuffle"] is True
    assert content.parts[0].config["choices"][2] == {"id": "choice_2", "text": "None of the above", "fixed": True}
    assert content.points == 3.0
    result = grade_question(content, {"part_0": "choice_1", "part_1": "42", "part_2": "option_1"})
    assert result.score == pytest.approx(2 / 3)
    assert result.feedback["part_0/choice_1"] == "Yes, by far."
    assert parse_problem(export_problem(content)).content == content


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ((FIXTURES / "custom_python.xml").read_text(), "customresponse"),
        ((FIXTURES / "formula.xml").read_text(), "formularesponse"),
        ("<problem><schematicresponse/></problem>", "schematicresponse"),
        ("<problem><imageresponse><imageinput/></imageresponse></problem>", "imageresponse"),
        ("<problem><customresponse><jsinput/></customresponse></problem>", "customresponse"),
        ("<problem><script type='loncapa/python'>x=1</script><stringresponse answer='$x'/></problem>", "script"),
        ("<problem><stringresponse answer='$x'><textline/></stringresponse></problem>", "stringresponse"),
        ("<problem><numericalresponse answer='pi*2'/></problem>", "numericalresponse"),
        ("<problem><multiplechoiceresponse><choicegroup><choice correct='true'>a</choice>"
         "<choice correct='true'>b</choice></choicegroup></multiplechoiceresponse></problem>", "multiplechoiceresponse"),
        ("<problem><optionresponse><optioninput options=\"('a','b')\" correct='c'/></optionresponse></problem>",
         "optioninput"),
    ],
)  # fmt: skip
def test_unsupported_problems_name_the_tag(source, tag):
    result = parse_problem(source)
    assert not result.ok
    assert result.tag == tag
    assert f"<{tag}>" in result.reason


@pytest.mark.parametrize(
    "source",
    ["<problem><p>No question here.</p></problem>", "<problem><unclosed></problem>", "<vertical/>", ""],
)
def test_unusable_sources_are_reported(source):
    result = parse_problem(source)
    assert not result.ok and result.reason


def test_entities_are_not_expanded():
    source = (
        '<?xml version="1.0"?><!DOCTYPE problem [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><problem><stringresponse answer="x"><label>&c;</label><textline/>'
        "</stringresponse></problem>"
    )
    result = parse_problem(source)
    assert not result.ok or len(result.content.parts[0].prompt) < 200


ROUND_TRIPS = {
    "multiple_choice": question(
        part(
            "multiple_choice",
            {
                "choices": [*choices(3), {"id": "custom", "text": "<b>None</b> of these", "fixed": True}],
                "shuffle": True,
            },
            {"correct": "choice_1", "feedback": {"choice_0": "Nope &amp; no.", "custom": "<em>No</em>"}},
            prompt="<p>Which one?</p>",
        ),
        title="MC & friends",
        prompt='<p>Intro with <a href="https://example.org/?a=1&amp;b=2">a link</a>.</p>',
        hints=(Hint(text="First hint"), Hint(text="<p>Second</p>", penalty=0.5)),
        explanation="<p>Because.</p>\n<p>Really.</p>",
    ),
    "multi_select": question(
        part(
            "multi_select",
            {"choices": choices(4), "shuffle": False, "partial_credit": "halves"},
            {"correct": ["choice_0", "choice_2"], "feedback": {"choice_1": {"selected": "S", "unselected": "U"}}},
            prompt="Select all that apply",
        )
    ),
    "multi_select_penalty": question(
        part("multi_select", {"choices": choices(3), "shuffle": True, "partial_credit": "penalty"}, {"correct": []})
    ),
    "dropdown": question(
        part("dropdown", {"options": choices(3, "option")}, {"correct": "option_1", "feedback": {"option_2": "x"}}),
        points=5.0,
    ),
    "fill_in_blank": question(fib("Paris", "Lutèce", ignore_accents=True), explanation="It is Paris."),
    "fill_in_blank_regexp": question(fib(r"\d{3}-\d{4}", case_sensitive=True, regexp=True)),
    "numeric": question(numeric(value=9.81, tolerance=0.05, tolerance_mode="absolute"), title="g"),
    "numeric_percent": question(numeric(value=-1.5e-7, tolerance=2.5, tolerance_mode="percent")),
    "numeric_default": question(numeric(value=12345678)),
    "numeric_range": question(
        numeric(range={"low": -1.5, "high": 1e20, "low_inclusive": False, "high_inclusive": True})
    ),
    "multipart": question(
        mc(prompt="What is first?"),
        part("numeric", {}, {"value": 42}, id="part_1", prompt="<p>Then a <b>number</b>:</p>"),
        part("dropdown", {"options": choices(2, "option")}, {"correct": "option_0"}, id="part_2"),
        fib("x", id="part_3"),
        prompt="Plain question text",
        points=4.0,
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip(name):
    content = ROUND_TRIPS[name]
    xml = export_problem(content)
    again = parse_problem(xml)
    assert again.ok, getattr(again, "reason", "")
    assert again.content == content, xml
    assert export_problem(again.content) == xml


def test_export_is_capa_shaped():
    xml = export_problem(ROUND_TRIPS["numeric_percent"])
    assert '<numericalresponse answer="-1.5e-07">' in xml
    assert '<responseparam type="tolerance" default="2.5%"/>' in xml
    assert "<formulaequationinput/>" in xml
    assert 'type="ci regexp"' not in export_problem(ROUND_TRIPS["fill_in_blank_regexp"])
    assert 'partial_credit="halves"' in export_problem(ROUND_TRIPS["multi_select"])


def test_export_rejects_plugin_types():
    with pytest.raises(ValueError, match="likert"):
        export_problem(question(part("likert", {"scale": ["a", "b"]}, {})))


def test_multi_blank_export_becomes_one_response_per_blank():
    content = question(
        part(
            "fill_in_blank",
            {"blanks": [{"id": "a"}, {"id": "b"}]},
            {"blanks": {"a": {"answers": ["1"]}, "b": {"answers": ["2"]}}},
        )
    )
    again = parse_problem(export_problem(content)).content
    assert [p.type for p in again.parts] == ["fill_in_blank", "fill_in_blank"]
