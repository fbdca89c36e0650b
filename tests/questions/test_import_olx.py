"""Importing a course export's problems: every problem accounted for, re-imports idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")


def test_import_accounts_for_every_problem(test_course_dir: Path) -> None:
    report = api.import_olx_course(COURSE, test_course_dir)
    assert report.imported + len(report.unsupported) == 19
    assert sum(report.by_type.values()) == report.imported
    assert api.list_questions(COURSE).total == report.imported
    question = api.list_questions(COURSE).items[0]
    assert question.source_usage_key is not None and question.node_id is None  # course not synced


def test_reimport_creates_no_duplicates_and_tar_equals_dir(test_course_dir: Path, test_course_tar: Path) -> None:
    first = api.import_olx_course(COURSE, test_course_dir)
    again = api.import_olx_course(COURSE, test_course_tar)
    assert again.imported == 0 and again.updated == 0 and again.unchanged == first.imported
    assert api.list_questions(COURSE).total == first.imported


def test_changed_problem_gets_a_new_version(test_course_dir: Path, tmp_path: Path) -> None:
    api.import_olx_course(COURSE, test_course_dir)
    imported = {q.source_usage_key.block_id for q in api.list_questions(COURSE).items}
    copy = tmp_path / "course"
    shutil.copytree(test_course_dir, copy)
    target = next(
        path
        for path in sorted((copy / "problem").glob("*.xml"))
        if path.stem in imported and "</choice>" in path.read_text()
    )
    target.write_text(target.read_text().replace("</choice>", " (changed)</choice>", 1))
    report = api.import_olx_course(COURSE, copy)
    assert report.updated == 1 and report.imported == 0
    changed = [q for q in api.list_questions(COURSE).items if q.current_version.number == 2]
    assert len(changed) == 1 and changed[0].source_usage_key.block_id == target.stem


def test_questions_attach_to_their_unit_when_synced(test_course_dir: Path) -> None:
    course_sync.sync_course(COURSE, source="olx", path=str(test_course_dir))
    api.import_olx_course(COURSE, test_course_dir)
    questions = api.list_questions(COURSE).items
    assert questions and all(
        q.node_usage_key is not None and q.node_usage_key.block_type == "vertical" for q in questions
    )


def test_unsupported_problem_is_reported(test_course_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "course"
    shutil.copytree(test_course_dir, copy)
    target = sorted((copy / "problem").glob("*.xml"))[0]
    target.write_text('<problem><customresponse cfn="check"><textline/></customresponse></problem>')
    report = api.import_olx_course(COURSE, copy)
    assert [item["location"] for item in report.unsupported] == [str(COURSE.make_usage_key("problem", target.stem))]
    assert report.unsupported[0]["reason"]
    assert report.imported + len(report.unsupported) == 19


def test_export_of_another_course_is_refused(test_course_dir: Path) -> None:
    with pytest.raises(ValidationError, match="course-v1:TestX\\+Course\\+1"):
        api.import_olx_course(CourseKey.from_string("course-v1:X+Y+Z"), test_course_dir)


def test_unreadable_export_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        api.import_olx_course(COURSE, tmp_path / "missing.tar.gz")


def test_report_json_contract(test_course_dir: Path) -> Any:
    data = api.import_olx_course(COURSE, test_course_dir).to_dict()
    assert set(data) == {"imported", "updated", "unchanged", "by_type", "unsupported"}
