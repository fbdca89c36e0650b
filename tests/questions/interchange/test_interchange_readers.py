"""
Readers of each format on files shaped like what the tools export: Moodle's XML and GIFT exports
(question/format/xml/format.php, question/format/gift/format.php), Aiken (question/format/aiken/format.php),
QTI 3.0 packages laid out as 1EdTech's examples, and a Canvas quiz export (manifest, quiz, assessment_meta.xml).
"""

# ruff: noqa: RUF043 - real typography in fixtures; long expected values; regex messages

from __future__ import annotations

import pytest
from interchange_files import data, zip_folder

from ve_edu_vault.questions.grading import grade_question
from ve_edu_vault.questions.interchange import FormatError, SourceItem, read_file


def by_label(items: tuple[SourceItem, ...]) -> dict[str, SourceItem]:
    return {item.label: item for item in items}


def answer(item: SourceItem, value: object) -> float:
    assert item.content is not None
    return grade_question(item.content, {item.content.parts[0].id: value}).score


@pytest.fixture(scope="module")
def moodle() -> dict[str, SourceItem]:
    result = read_file(data("moodle_export.xml"), "moodle_export.xml")
    assert result.format == "moodle-xml"
    return by_label(result.items)


@pytest.fixture(scope="module")
def gift() -> list[SourceItem]:
    result = read_file(data("questions.gift"), "questions.gift")
    assert result.format == "gift"
    return list(result.items)


@pytest.fixture(scope="module")
def qti3() -> dict[str, SourceItem]:
    result = read_file(zip_folder("qti3_package"), "bank.zip")
    assert result.format == "qti"
    return {item.identifier: item for item in result.items}


@pytest.fixture(scope="module")
def canvas() -> dict[str, SourceItem]:
    result = read_file(zip_folder("canvas"), "week1.zip")
    assert result.format == "canvas-qti12"
    return {item.identifier: item for item in result.items}


class TestMoodleXml:
    def test_multichoice_keeps_text_feedback_hints_tags_points_and_category(self, moodle):
        item = moodle["Capital of France"]
        content = item.content
        assert item.source_id == "moodle:Default for VE101/Geography#id:geo-capital-fr"
        assert item.identifier == "geo-capital-fr" and item.line == 15
        assert item.category == ("Default for VE101", "Geography")
        assert content.title == "Capital of France" and content.points == 2.0
        assert content.prompt == "<p>Which city is the capital of <strong>France</strong>?</p>"
        assert content.explanation == "<p>Paris has been the capital since 987.</p>"
        assert [hint.text for hint in content.hints] == ["<p>It is on the Seine.</p>"]
        assert content.tags == ("europe", "capitals")
        part = content.parts[0]
        assert part.type == "multiple_choice" and part.config["shuffle"] is True
        assert [c["text"] for c in part.config["choices"]] == ["<p>Paris</p>", "<p>Lyon</p>", "<p>Marseille</p>"]
        assert part.answer_key["correct"] == "choice_0"
        assert dict(part.answer_key["feedback"]) == {
            "choice_0": "<p>Right.</p>",
            "choice_1": "<p>Lyon is the third city.</p>",
        }
        assert item.warnings == ()  # Moodle's default combined feedback is not worth a warning

    def test_multiple_answers_with_penalties_grade_as_moodle(self, moodle):
        item = moodle["Rivers of France"]
        assert item.content.parts[0].type == "multi_select"
        assert item.content.parts[0].config["partial_credit"] == "penalty"
        assert item.source_id == "moodle:Default for VE101/Geography#name:Rivers of France"
        assert answer(item, ["choice_0", "choice_1"]) == 1.0
        assert answer(item, ["choice_0"]) == 0.5
        assert answer(item, ["choice_0", "choice_2"]) == 0.0  # 50 - 50, floored at 0 as Moodle does

    def test_truefalse_keeps_both_feedbacks(self, moodle):
        part = moodle["Paris is on the Loire"].content.parts[0]
        assert [c["id"] for c in part.config["choices"]] == ["true", "false"]
        assert part.answer_key["correct"] == "false"
        assert dict(part.answer_key["feedback"]) == {"true": "No, the Seine.", "false": "Right."}

    def test_shortanswer_case_and_wildcards(self, moodle):
        gold = moodle["Chemical symbol of gold"]
        assert answer(gold, "Au") == 1.0 and answer(gold, "au") == 0.0  # usecase 1
        assert gold.warnings == ("the feedback of answer 2 is not kept (short answers have no feedback)",)
        photo = moodle["Photosynthesis"]
        assert answer(photo, "photosynthesis") == 1.0 and answer(photo, "Photo-synthesis") == 1.0
        assert answer(photo, "respiration") == 0.0

    def test_numerical_tolerance_and_units(self, moodle):
        item = moodle["Gravity"]
        key = item.content.parts[0].answer_key
        assert key["value"] == 9.81 and key["tolerance"] == 0.05 and key["unit_penalty"] == 0.1
        assert answer(item, "9.8 m/s²") == 1.0
        assert answer(item, "981 cm/s²") == 1.0
        assert answer(item, "9.8") == pytest.approx(0.9)  # units graded: a missing unit costs the penalty
        assert answer(item, "12 m/s²") == 0.0

    def test_essay_is_kept_ungraded(self, moodle):
        item = moodle["Explain the water cycle"]
        assert item.content.parts[0].type == "extended_text" and item.content.points == 0.0
        assert item.content.parts[0].config["expected_lines"] == 10
        assert item.content.parts[0].answer_key["model_answer"] == "<p>Evaporation, condensation, precipitation.</p>"
        assert answer(item, "Water evaporates...") == 0.0

    @pytest.mark.parametrize(("label", "line", "reason"), [
        ("Area of a circle", 299, "Moodle question type 'calculated' is not supported"),
        ("Drag the words", 330, "Moodle question type 'ddwtos' is not supported"),
    ])  # fmt: skip
    def test_unrepresentable_types_are_refused_with_file_line_and_reason(self, moodle, label, line, reason):
        item = moodle[label]
        assert item.refused and item.line == line and item.file == "moodle_export.xml"
        assert item.reason.startswith(reason)

    def test_not_a_quiz(self):
        with pytest.raises(FormatError, match=r"x.xml:1: expected a Moodle XML <quiz>"):
            read_file(b"<other/>", "x.xml", format="moodle-xml")


class TestGift:
    def test_id_tags_category_html_and_general_feedback(self, gift):
        item = gift[0]
        assert item.source_id == "moodle:Default for VE101/Geography#id:geo-capital-it"
        assert item.content.tags == ("europe", "capitals")
        assert item.content.prompt == "<p>Which city is the capital of Italy?</p>"
        assert item.content.explanation == "<p>Rome since 1871.</p>"
        part = item.content.parts[0]
        assert [c["text"] for c in part.config["choices"]] == ["Rome", "Milan", "Turin"]
        assert dict(part.answer_key["feedback"]) == {
            "choice_0": "<p>Right.</p>",
            "choice_1": "Milan is the economic capital.",
        }

    def test_escapes(self, gift):
        item = gift[1]
        assert item.content.title == "Escapes: colons"
        assert item.content.prompt == "What is 2 = 2 {really}? Use # and ~ too."
        assert item.content.parts[0].config["choices"][0]["text"] == "Yes = indeed"

    def test_missing_word_true_false_numbers_and_short_answers(self, gift):
        missing, sun, pi, interval, primes, nobody, essay = gift[2:9]
        assert missing.content.prompt == "Grant is _____ in Grant's tomb."
        assert answer(missing, "choice_1") == 1.0
        assert answer(sun, "true") == 1.0
        assert dict(sun.content.parts[0].answer_key["feedback"]) == {
            "true": "Correct.",
            "false": "Wrong, it rises in the east.",
        }
        assert answer(pi, "3.144") == 1.0 and answer(pi, "3.2") == 0.0
        assert dict(interval.content.parts[0].answer_key["range"]) == {"low": 1.0, "high": 5.0}
        assert answer(primes, ["choice_0", "choice_1"]) == 1.0 and answer(primes, ["choice_0"]) == 0.5
        assert answer(nobody, "No One") == 1.0 and answer(nobody, "Grant") == 0.0
        assert essay.content.parts[0].type == "extended_text" and essay.content.points == 0.0

    def test_refusals_name_line_and_reason(self, gift):
        refused = [(item.line, item.reason) for item in gift if item.refused]
        assert refused == [
            (43, "matching questions are not supported"),
            (48, "answer 1 gives 50% partial credit, which the vault cannot grade"),
            (50, "a description without answers, not a question"),
        ]

    def test_braces_that_do_not_close(self):
        (item,) = read_file(b"::Broken::What is it? { =a ~b\n", "b.gift", format="gift").items
        assert item.refused and item.line == 1 and "braces" in item.reason

    def test_not_utf8(self):
        with pytest.raises(FormatError, match=r"b.gift:2: the file is not UTF-8 text"):
            read_file(b"ok\n\xff{=a}\n", "b.gift", format="gift")


class TestAiken:
    def test_questions_both_option_styles_and_a_bad_answer_letter(self):
        result = read_file(data("aiken.txt"), "aiken.txt")
        assert result.format == "aiken"
        first, second, third, bad = result.items
        assert first.content.prompt == "Is this an easy question?" and answer(first, "choice_0") == 1.0
        assert second.content.prompt == "Which LMS has an XML question format named after itself?"
        assert [c["text"] for c in second.content.parts[0].config["choices"]] == ["Moodle", "Canvas", "Open edX"]
        assert answer(third, "choice_1") == 1.0
        assert bad.refused and bad.line == 19 and bad.reason == "ANSWER: E names no option"

    def test_question_without_answer_line(self):
        (item,) = read_file(b"Question?\nA. a\nB. b\n", "a.txt", format="aiken").items
        assert item.refused and item.reason == "the question has no ANSWER: line"


class TestQti3Package:
    def test_every_manifest_item_is_read(self, qti3):
        assert set(qti3) == {"choice", "choice-multiple", "text-entry", "inline-choice", "extended-text",
                              "choice-feedback", "hotspot", "custom-rp"}  # fmt: skip

    def test_choice_with_prompt_fixed_choice_and_match_correct(self, qti3):
        item = qti3["choice"]
        assert item.source_id == "qti:choice" and item.file == "bank.zip/items/choice.xml"
        content = item.content
        assert content.title == "Unattended Luggage"
        assert content.prompt == "<p>Look at the text in the picture.</p>"
        part = content.parts[0]
        assert part.prompt == "What does it say?"
        assert [c["id"] for c in part.config["choices"]] == ["ChoiceA", "ChoiceB", "ChoiceC"]
        assert part.config["choices"][2]["fixed"] is True
        assert answer(item, "ChoiceA") == 1.0 and answer(item, "ChoiceB") == 0.0

    def test_multiple_choice_map_response(self, qti3):
        item = qti3["choice-multiple"]
        assert item.content.parts[0].config["partial_credit"] == "penalty"
        assert answer(item, ["H", "O"]) == 1.0 and answer(item, ["H"]) == 0.5 and answer(item, ["H", "C"]) == 0.0

    def test_text_entry_map_response_case_insensitive(self, qti3):
        item = qti3["text-entry"]
        assert answer(item, "YORK") == 1.0 and answer(item, "Lancaster") == 0.0
        assert item.content.parts[0].config["blanks"] == ({"id": "blank_0", "size": 15},)

    def test_inline_choice_and_extended_text(self, qti3):
        assert answer(qti3["inline-choice"], "Y") == 1.0
        essay = qti3["extended-text"]
        assert essay.content.parts[0].type == "extended_text" and essay.content.points == 0.0
        assert essay.content.parts[0].config["expected_lines"] == 5

    def test_modal_feedback_per_choice(self, qti3):
        part = qti3["choice-feedback"].content.parts[0]
        assert dict(part.answer_key["feedback"]) == {
            "MGH001A": "No, they are not in Scandinavia.",
            "MGH001C": "Yes, they are off the north coast of Scotland.",
        }

    def test_hotspot_and_custom_processing_are_refused(self, qti3):
        assert qti3["hotspot"].reason == "<hotspotInteraction> is not supported (hotspot (image regions))"
        assert qti3["custom-rp"].reason.startswith("response processing with <equal> is not supported")
        assert (
            qti3["hotspot"].file == "bank.zip/items/hotspot.xml" and qti3["hotspot"].line == 3
        )  # where its start tag ends (lxml)

    def test_a_single_item_file(self):
        result = read_file(data("qti3_package/items/choice.xml"), "choice.xml")
        assert [item.identifier for item in result.items] == ["choice"]

    def test_manifest_missing(self):
        with pytest.raises(FormatError, match="no imsmanifest.xml"):
            read_file(zip_folder("qti3_package/items"), "items.zip", format="qti")


class TestCanvas:
    def test_multiple_choice_with_points_feedback_and_quiz_category(self, canvas):
        item = canvas["i1mc"]
        assert item.source_id == "canvas:i1mc" and item.category == ("Week 1 Quiz",)
        assert item.content.points == 2.0
        assert item.content.prompt == "<div><p>Which city is the capital of Spain?</p></div>"
        assert item.content.explanation == "<p>Madrid since 1561.</p>"
        assert answer(item, "1001") == 1.0  # Canvas answer idents are the choice ids
        assert dict(item.content.parts[0].answer_key["feedback"]) == {
            "1002": "<p>Barcelona is the capital of Catalonia.</p>"
        }

    def test_true_false_multiple_answers_short_answer(self, canvas):
        assert answer(canvas["i2tf"], "true") == 1.0 and answer(canvas["i2tf"], "false") == 0.0
        assert answer(canvas["i3ma"], ["3001", "3003"]) == 1.0 and answer(canvas["i3ma"], ["3001"]) == 0.5
        assert answer(canvas["i4sa"], "jupiter") == 1.0 and answer(canvas["i4sa"], "Saturn") == 0.0

    def test_numerical_exact_with_margin_and_range(self, canvas):
        assert answer(canvas["i5num"], "3.145") == 1.0 and answer(canvas["i5num"], "3.2") == 0.0
        assert answer(canvas["i6range"], "4.9") == 1.0 and answer(canvas["i6range"], "5.1") == 0.0

    def test_multiple_dropdowns_are_one_part_per_variable(self, canvas):
        content = canvas["i7dd"].content
        assert [part.id for part in content.parts] == ["response_color1", "response_color2"]
        assert [part.prompt for part in content.parts] == ["color1", "color2"]
        result = grade_question(content, {"response_color1": "7001", "response_color2": "7004"})
        assert result.score == 0.5

    def test_fill_in_multiple_blanks_as_canvas_writes_them(self, canvas):
        content = canvas["i10fimb"].content
        assert content.parts[0].answer_key["blanks"]["blank_0"]["answers"] == ("red", "crimson")
        result = grade_question(content, {"part_0": {"blank_0": "Crimson", "blank_1": "green"}})
        assert result.score == 0.5

    def test_essay_kept_ungraded_and_upload_refused(self, canvas):
        assert canvas["i8essay"].content.parts[0].type == "extended_text"
        upload = canvas["i9upload"]
        assert upload.refused and upload.file == "week1.zip/g0a1b2c3d4e5f/g0a1b2c3d4e5f.xml" and upload.line == 181
        assert upload.reason == "Canvas file_upload_question is not supported (file upload questions)"


def test_auto_detection_needs_a_known_format():
    with pytest.raises(FormatError, match="cannot be recognised"):
        read_file(b"just some words", "notes.md")


class TestQti21Package:
    """A QTI 2.1 package laid out as 1EdTech's 2.1 examples (choice.xml, text_entry.xml, LOM in the manifest)."""

    def test_items_and_templates(self):
        result = read_file(zip_folder("qti21_package"), "bank21.zip")
        items = {item.identifier: item for item in result.items}
        choice, text = items["choice"], items["textEntry"]
        assert choice.kind == "QTI 2.1 item (choiceInteraction)" and choice.file == "bank21.zip/items/choice.xml"
        assert choice.content.prompt == "<p>Look at the text in the picture.</p>"
        assert answer(choice, "ChoiceA") == 1.0 and answer(choice, "ChoiceC") == 0.0
        blank = text.content.parts[0].answer_key["blanks"]["blank_0"]
        assert blank["answers"] == ("York", "york") and blank["case_sensitive"] is True
        assert answer(text, "York") == 1.0 and answer(text, "YORK") == 0.0  # caseSensitive="true" on each mapEntry
