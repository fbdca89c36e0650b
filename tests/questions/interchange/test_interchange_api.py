"""
Importing and exporting through the question API: every item accounted for, all or nothing per file unless
partial, re-imports idempotent (no duplicates, new versions where content changed), categories to nodes or
tags, and export then import back into the same course leaving the bank unchanged.
"""

# ruff: noqa: E501 - long expected values

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from interchange_files import data, zip_folder
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
OTHER = CourseKey.from_string("course-v1:TestX+Other+1")
MOODLE = data("moodle_export.xml")


def by_source(report: Any) -> dict[str, dict[str, Any]]:
    data = report.to_dict()
    return {entry["source_id"]: entry for kind in ("created", "updated", "unchanged") for entry in data[kind]}


def test_a_file_with_refusals_imports_nothing_without_partial():
    report = api.import_questions(COURSE, MOODLE, "moodle_export.xml")
    data = report.to_dict()
    assert data["status"] == "refused" and data["counts"] == {"created": 7, "updated": 0, "unchanged": 0, "refused": 2}
    assert [(r["line"], r["type"], r["file"]) for r in data["refused"]] == [
        (299, "calculated", "moodle_export.xml"), (330, "ddwtos", "moodle_export.xml"),
    ]  # fmt: skip
    assert all(entry["id"] is None for entry in data["created"])
    assert api.list_questions(COURSE).total == 0


def test_partial_imports_the_rest_and_reports_ids_and_sources():
    report = api.import_questions(COURSE, MOODLE, "moodle_export.xml", partial=True)
    data = report.to_dict()
    assert data["status"] == "imported" and data["counts"]["created"] == 7 and data["counts"]["refused"] == 2
    created = {entry["source_id"]: entry for entry in data["created"]}
    entry = created["moodle:Default for VE101/Geography#id:geo-capital-fr"]
    question = api.get_question(entry["id"], course_key=COURSE)
    content = question.current_version.content
    assert content["title"] == "Capital of France" and content["points"] == 2.0
    assert content["tags"] == ["europe", "capitals", "category:Default for VE101/Geography"]
    assert [h["text"] for h in content["hints"]] == ["<p>It is on the Seine.</p>"]
    assert api.list_questions(COURSE).total == 7
    assert {w["warning"] for w in data["warnings"]} >= {
        "essays are marked by a person in Moodle: kept as ungraded, 0 points"
    }


def test_dry_run_writes_nothing_and_says_what_would_happen():
    report = api.import_questions(COURSE, MOODLE, "moodle_export.xml", partial=True, dry_run=True)
    assert report.status == "dry_run" and len(report.created) == 7
    assert api.list_questions(COURSE).total == 0


def test_reimport_creates_no_duplicates_and_versions_only_what_changed():
    first = api.import_questions(COURSE, MOODLE, "moodle_export.xml", partial=True)
    again = api.import_questions(COURSE, MOODLE, "moodle_export.xml", partial=True)
    assert len(again.created) == 0 and len(again.updated) == 0 and len(again.unchanged) == 7
    assert by_source(again).keys() == by_source(first).keys()
    edited = MOODLE.replace(b"<p>Lyon</p>", b"<p>Lyon (3rd city)</p>")
    third = api.import_questions(COURSE, edited, "moodle_export.xml", partial=True)
    assert [e["source_id"] for e in third.to_dict()["updated"]] == [
        "moodle:Default for VE101/Geography#id:geo-capital-fr"
    ]
    assert len(third.unchanged) == 6 and api.list_questions(COURSE).total == 7
    updated = api.get_question(third.updated[0]["id"])
    assert updated.current_version.number == 2
    assert updated.current_version.content["parts"][0]["config"]["choices"][1]["text"] == "<p>Lyon (3rd city)</p>"


def test_the_same_source_in_another_course_is_another_question():
    api.import_questions(COURSE, MOODLE, "moodle_export.xml", partial=True)
    report = api.import_questions(OTHER, MOODLE, "moodle_export.xml", partial=True)
    assert len(report.created) == 7


def test_categories_that_match_the_outline_attach_questions_to_nodes(test_course_dir: Path):
    course_sync.sync_course(COURSE, source="olx", path=str(test_course_dir))
    topic = course_sync.get_outline_tree(COURSE)[0]
    subtopic = topic.children[0]
    path = f"$course$/top/{topic.display_name}/{subtopic.display_name}"
    xml = MOODLE.replace(b"$course$/top/Default for VE101/Geography", path.encode())
    report = api.import_questions(COURSE, xml, "bank.xml", partial=True)
    questions = {e["source_id"]: api.get_question(e["id"]) for e in report.created}
    attached = [q for sid, q in questions.items() if sid.startswith(f"moodle:{topic.display_name}/")]
    assert len(attached) == 3 and all(q.node_usage_key == subtopic.usage_key for q in attached)
    assert all("category:" not in " ".join(q.current_version.tags) for q in attached)
    others = [q for sid, q in questions.items() if "Sciences" in sid]
    assert others and all(q.node_id is None for q in others)


def test_node_option_attaches_every_question(test_course_dir: Path):
    course_sync.sync_course(COURSE, source="olx", path=str(test_course_dir))
    node = course_sync.get_outline_tree(COURSE)[0].children[0]
    report = api.import_questions(
        COURSE, data("aiken.txt"), "aiken.txt", node_usage_key=str(node.usage_key), partial=True
    )
    assert len(report.created) == 3 and all(api.get_question(e["id"]).node_id == node.id for e in report.created)
    with pytest.raises(ValidationError) as caught:
        api.import_questions(
            COURSE, data("aiken.txt"), "aiken.txt", node_usage_key="block-v1:TestX+Course+1+type@vertical+block@nope"
        )
    assert caught.value.field == "node_usage_key"


def test_unreadable_file_is_a_validation_error_naming_the_file():
    with pytest.raises(ValidationError) as caught:
        api.import_questions(COURSE, b"<quiz><question>", "broken.xml")
    assert caught.value.field == "file" and caught.value.message.startswith("broken.xml:1: not well-formed XML")


@pytest.mark.parametrize(("fmt", "name", "source"), [
    ("moodle-xml", "bank.xml", lambda: MOODLE),
    ("gift", "bank.gift", lambda: data("questions.gift")),
    ("qti3", "bank.zip", lambda: zip_folder("qti3_package")),
    ("qti21", "bank.zip", lambda: zip_folder("qti3_package")),
    ("aiken", "bank.txt", lambda: data("aiken.txt")),
])  # fmt: skip
def test_export_then_import_into_the_same_course_changes_nothing(fmt, name, source):
    api.import_questions(COURSE, source(), name, partial=True)
    total = api.list_questions(COURSE).total
    exported = api.export_questions(COURSE, fmt)
    assert exported.written > 0
    report = api.import_questions(COURSE, exported.data, exported.filename, partial=True)
    data = report.to_dict()
    assert data["counts"]["created"] == 0, data["created"]
    assert api.list_questions(COURSE).total == total
    # What the format cannot hold comes back as a new version; every written question is matched.
    assert data["counts"]["updated"] + data["counts"]["unchanged"] == exported.written


def test_a_question_made_in_the_vault_exports_with_a_vault_identifier():
    question = api.create_question(COURSE, content={"title": "Made here", "prompt": "<p>2+2?</p>", "parts": [
        {"id": "part_0", "type": "numeric", "config": {}, "answer_key": {"value": 4.0, "tolerance": 0.0, "tolerance_mode": "absolute"}}]})  # fmt: skip
    exported = api.export_questions(COURSE, "moodle-xml")
    identifier = api.vault_identifier(COURSE, question.id)
    assert f"<idnumber>{identifier}</idnumber>".encode() in exported.data
    report = api.import_questions(COURSE, exported.data, exported.filename)
    assert [e["id"] for e in report.unchanged] == [question.id]
    # Into another course the identifier is only a source: a new question, matched on the next import.
    first = api.import_questions(OTHER, exported.data, exported.filename)
    second = api.import_questions(OTHER, exported.data, exported.filename)
    assert len(first.created) == 1 and [e["id"] for e in second.unchanged] == [first.created[0]["id"]]


def test_export_of_one_node_and_unknown_format(test_course_dir: Path):
    course_sync.sync_course(COURSE, source="olx", path=str(test_course_dir))
    node = course_sync.get_outline_tree(COURSE)[0].children[0]
    api.import_questions(COURSE, data("aiken.txt"), "aiken.txt", node_usage_key=str(node.usage_key), partial=True)
    api.import_questions(COURSE, data("questions.gift"), "bank.gift", partial=True)
    assert api.export_questions(COURSE, "aiken", node_usage_key=str(node.usage_key)).written == 3
    with pytest.raises(ValidationError) as caught:
        api.export_questions(COURSE, "docx")
    assert caught.value.field == "format"


def test_imported_html_goes_through_the_api_like_authored_html(monkeypatch):
    seen = []
    original = api.parse_content

    def spy(content):
        seen.append(content.title)
        return original(content)

    monkeypatch.setattr(api, "parse_content", spy)
    api.import_questions(COURSE, data("aiken.txt"), "aiken.txt", partial=True)
    assert len(seen) == 3


def test_two_items_with_one_identifier_and_two_items_for_one_question_are_refused():
    gift = b"// [id:same]\n::One::First?{=a ~b}\n\n// [id:same]\n::Two::Second?{=a ~b}\n"
    report = api.import_questions(COURSE, gift, "dup.gift", partial=True).to_dict()
    assert [(r["line"], r["reason"]) for r in report["refused"]] == [
        (4, "another item of the file has the same identifier")
    ]
    question_id = report["created"][0]["id"]
    ident = api.vault_identifier(COURSE, question_id).encode()
    both = b"// [id:" + ident + b"]\n::One::First?{=a ~b}\n\n// [id:same]\n::One::First?{=a ~b}\n"
    again = api.import_questions(COURSE, both, "dup.gift", partial=True).to_dict()
    assert again["refused"][0]["reason"] == f"question {question_id} is already updated by another item of the file"


def test_a_redelivered_import_task_does_not_import_twice(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    job = api.start_import_job(COURSE, data("aiken.txt"), "aiken.txt", partial=True)
    done = api.confirm_import_job(job.id)
    assert done.status == "imported" and api.list_questions(COURSE).total == 3
    assert api.run_import_job(job.id) == done and api.list_questions(COURSE).total == 3
