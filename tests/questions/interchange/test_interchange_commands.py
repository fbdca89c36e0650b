"""
``vault_import_questions`` and ``vault_export_questions``: the command-line contract of issue 17, the ``--json``
report (docs/question_interchange_json.rst), exit codes, the progress bar on stderr.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from interchange_files import FILES

from ve_edu_vault.questions import api

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]
COURSE = "course-v1:TestX+Course+1"
MOODLE = str(FILES / "moodle_export.xml")
KEYS = {"course_key", "file", "format", "status", "dry_run", "partial", "counts", "created", "updated", "unchanged",
        "refused", "warnings"}  # fmt: skip


def run(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("vault_import_questions", *args, "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_json_report_contract_and_refusal_exit_code():
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("vault_import_questions", COURSE, MOODLE, "--json", stdout=out, stderr=err)
    assert caught.value.returncode == 2 and "nothing was imported" in str(caught.value)
    report = json.loads(out.getvalue())
    assert set(report) == KEYS and report["status"] == "refused"
    assert report["refused"][0] == {
        "source_id": "moodle:Default for VE101/Sciences#name:Area of a circle", "title": "Area of a circle",
        "type": "calculated", "reason": "Moodle question type 'calculated' is not supported (calculated questions (formulas with wildcards))",  # noqa: E501
        "file": "moodle_export.xml", "line": 299,
    }  # fmt: skip
    assert "Importing [" in err.getvalue()  # the progress bar, on stderr
    from opaque_keys.edx.keys import CourseKey

    assert api.list_questions(CourseKey.from_string(COURSE)).total == 0


def test_partial_then_rerun_is_unchanged():
    first, _ = run(COURSE, MOODLE, "--partial")
    assert first["status"] == "imported" and first["counts"] == {
        "created": 7,
        "updated": 0,
        "unchanged": 0,
        "refused": 2,
    }
    assert all(set(e) == {"id", "source_id", "title", "type", "file", "line"} and e["id"] for e in first["created"])
    again, _ = run(COURSE, MOODLE, "--partial")
    assert again["counts"]["unchanged"] == 7 and again["counts"]["created"] == 0
    assert sorted(e["id"] for e in again["unchanged"]) == sorted(e["id"] for e in first["created"])


def test_dry_run_and_explicit_format():
    report, _ = run(COURSE, str(FILES / "aiken.txt"), "--format", "aiken", "--dry-run", "--partial")
    assert report["status"] == "dry_run" and report["format"] == "aiken" and report["counts"]["created"] == 3


def test_text_output_lists_refusals_with_file_and_line():
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("vault_import_questions", COURSE, MOODLE, stdout=out, stderr=StringIO())
    assert (
        "Refused moodle_export.xml:330 moodle:Default for VE101/Sciences#name:Drag the words (ddwtos)" in out.getvalue()
    )


@pytest.mark.parametrize(("args", "message"), [
    (("course-v1:nope", MOODLE), "not a valid course key"),
    ((COURSE, "/no/such/file.xml"), "no such file"),
    ((COURSE, MOODLE, "--format", "docx"), "unknown import format 'docx'"),
    ((COURSE, MOODLE, "--node", "block-v1:TestX+Course+1+type@vertical+block@nope"), "No node"),
])  # fmt: skip
def test_errors_exit_1(args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("vault_import_questions", *args, stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode == 1


def test_export_command_contract(tmp_path: Path):
    run(COURSE, str(FILES / "questions.gift"), "--partial")
    for fmt, check in (
        ("qti3", b"PK"),
        ("qti21", b"PK"),
        ("moodle-xml", b"<?xml"),
        ("gift", b"// [id:"),
        ("aiken", b"ANSWER:"),
    ):
        output = tmp_path / f"bank.{fmt}"
        out, err = StringIO(), StringIO()
        call_command("vault_export_questions", COURSE, "--format", fmt, "--output", str(output), stdout=out, stderr=err)
        assert output.read_bytes().startswith(check) or check in output.read_bytes()
        assert out.getvalue().startswith("Wrote ")
    assert "Left out" in err.getvalue()  # Aiken cannot hold most of the GIFT questions: each one is listed
    with pytest.raises(CommandError, match="Unknown export format"):
        call_command("vault_export_questions", COURSE, "--format", "docx", "--output", str(tmp_path / "x"))
