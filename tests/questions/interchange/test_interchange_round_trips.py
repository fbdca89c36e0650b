"""
Round trips: export then import keeps every field the target format can hold, for every format; and what a
format cannot hold is left out with its reason (never a silently wrong question).
"""

from __future__ import annotations

import pytest
from interchange_samples import AIKEN, GIFT, MOODLE, QTI

from ve_edu_vault.questions.interchange import ExportQuestion, read_file, write_questions


def round_trip(fmt: str, contents: dict) -> dict:
    questions = [ExportQuestion(identifier=f"q-{name}", content=content) for name, content in contents.items()]
    result = write_questions(fmt, questions)
    assert result.skipped == () and result.written == len(questions)
    read = read_file(result.data, result.filename)
    assert [item.reason for item in read.items if item.refused] == []
    return {item.identifier or item.label: item for item in read.items}


@pytest.mark.parametrize("fmt", ["qti3", "qti21"])
def test_qti_packages_keep_everything_qti_holds(fmt):
    read = round_trip(fmt, QTI)
    for name, original in QTI.items():
        item = read[f"q-{name}"]
        assert item.source_id == f"qti:q-{name}"
        assert item.content.to_dict() == original.to_dict(), name


def test_moodle_xml_keeps_hints_tags_units_and_categories():
    questions = [ExportQuestion(identifier=f"q-{name}", content=content, category=("Week 1", "Lesson 2/3"))
                 for name, content in MOODLE.items()]  # fmt: skip
    result = write_questions("moodle-xml", questions)
    assert result.skipped == ()
    read = {item.identifier: item for item in read_file(result.data, result.filename).items}
    for name, original in MOODLE.items():
        item = read[f"q-{name}"]
        assert item.category == ("Week 1", "Lesson 2/3")
        assert item.source_id == f"moodle:Week 1/Lesson 2//3#id:q-{name}"
        assert item.content.to_dict() == original.to_dict(), name


def test_gift_keeps_titles_tags_feedback_and_escapes():
    read = round_trip("gift", GIFT)
    for name, original in GIFT.items():
        assert read[f"q-{name}"].content.to_dict() == original.to_dict(), name


def test_aiken_keeps_plain_single_answer_questions():
    result = write_questions("aiken", [ExportQuestion(identifier="x", content=AIKEN["mc"])])
    (item,) = read_file(result.data, "bank.txt", format="aiken").items
    assert item.content.to_dict() == AIKEN["mc"].to_dict()


@pytest.mark.parametrize(("fmt", "name", "reason"), [
    ("aiken", "fib", "Aiken holds one-answer multiple choice only"),
    ("gift", "fib_wildcard", "GIFT short answers are matched ignoring case only"),
    ("gift", "num_units", "GIFT numerical answers have no units"),
    ("qti3", "num_units", "QTI templates match numbers exactly"),
    ("moodle-xml", "multipart", "Moodle XML holds one answer area per question"),
    ("qti21", "fib_wildcard", "QTI templates match strings exactly"),
])  # fmt: skip
def test_what_a_format_cannot_grade_is_left_out_with_the_reason(fmt, name, reason):
    content = {**MOODLE, **QTI}[name]
    result = write_questions(fmt, [ExportQuestion(identifier="q1", content=content)])
    assert result.written == 0 and result.skipped[0][0] == "q1" and result.skipped[0][1].startswith(reason)


def test_what_a_format_cannot_keep_is_listed_as_a_note():
    result = write_questions("qti3", [ExportQuestion(identifier="q1", content=MOODLE["mc"])])
    assert ("q1", "hints are not kept (QTI items have no hints)") in result.warnings
    assert ("q1", "tags are not kept in the item") in result.warnings
