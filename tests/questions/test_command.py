"""``vault_import_olx_problems``: the JSON contract, idempotent re-runs, wrong course exits non-zero."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]
COURSE = "course-v1:TestX+Course+1"


def run(*args: str) -> dict:
    out = StringIO()
    call_command("vault_import_olx_problems", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_json_contract_and_rerun(test_course_tar: Path) -> None:
    first = run(COURSE, str(test_course_tar))
    assert set(first) == {"imported", "updated", "unchanged", "by_type", "unsupported"}
    assert first["imported"] + len(first["unsupported"]) == 19
    assert all(set(item) == {"location", "reason"} for item in first["unsupported"])
    second = run(COURSE, str(test_course_tar))
    assert second["imported"] == 0 and second["unchanged"] == first["imported"]


def test_text_output(test_course_dir: Path) -> None:
    out = StringIO()
    call_command("vault_import_olx_problems", COURSE, str(test_course_dir), stdout=out)
    assert "Imported" in out.getvalue()


def test_other_course_and_bad_key_fail(test_course_dir: Path) -> None:
    with pytest.raises(CommandError, match="not course-v1:X\\+Y\\+Z"):
        call_command("vault_import_olx_problems", "course-v1:X+Y+Z", str(test_course_dir))
    with pytest.raises(CommandError, match="not a valid course key"):
        call_command("vault_import_olx_problems", "nope", str(test_course_dir))
