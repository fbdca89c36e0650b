"""
``vault_sync_course`` and ``vault_undo_sync``: the ``--json`` contract operators' scripts rely on, and clean errors.

Studio-only commands, so these tests run in the cms host run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hosts.standalone_platform import backend as standalone
from tests.conftest import REPO_ROOT
from tests.course_sync.conftest import COURSE, small_outline, with_nodes
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord

pytestmark = [pytest.mark.cms]

TEST_COURSE = "course-v1:TestX+Course+1"
REPORT_KEYS = ["sync_id", "course_key", "outline_version", "status", "nodes", "counts", "changes"]
COUNT_KEYS = ["add", "remove", "move", "rename", "reorder", "attributes", "restore"]
CHANGE_KEYS = ["kind", "usage_key", "block_type", "display_name", "before", "after", "fields"]
FULL_COURSE_NODES = {"topic": 2, "subtopic": 3, "objective": 22}


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_json(*args: Any) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(run(*args, "--json"))
    return report


def assert_first_import(report: dict[str, Any]) -> None:
    assert list(report) == REPORT_KEYS
    assert report["course_key"] == TEST_COURSE
    assert report["outline_version"]
    assert report["nodes"] == FULL_COURSE_NODES
    assert list(report["counts"]) == COUNT_KEYS
    assert report["counts"] == {**dict.fromkeys(COUNT_KEYS, 0), "add": 27}
    assert len(report["changes"]) == 27
    for change in report["changes"]:
        assert list(change) == CHANGE_KEYS
        assert change["kind"] == "add" and change["before"] is None
        assert change["after"]["usage_key"] == change["usage_key"]
        assert change["block_type"] in ("chapter", "sequential", "vertical")
        assert change["display_name"] == change["after"]["display_name"]
    kinds = [c["after"]["kind"] for c in report["changes"]]
    assert {kind: kinds.count(kind) for kind in FULL_COURSE_NODES} == FULL_COURSE_NODES


# --- in process (call_command), on the suite's database -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["test_course_dir", "test_course_tar"])
def test_first_import_json_contract(export: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(export)
    report = run_json("vault_sync_course", TEST_COURSE, "--olx", str(path))
    assert report["status"] == "applied"
    assert report["sync_id"] == SyncRecord.objects.get().pk
    assert_first_import(report)
    assert CourseNode.objects.filter(state=CourseNode.ACTIVE).count() == 27
    again = run_json("vault_sync_course", TEST_COURSE, "--olx", str(path))
    assert again["status"] == "unchanged" and again["sync_id"] is None
    assert again["counts"] == dict.fromkeys(COUNT_KEYS, 0) and again["changes"] == []
    assert again["nodes"] == FULL_COURSE_NODES


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_reports_the_nodes_the_mirror_would_have(test_course_tar: Path) -> None:
    report = run_json("vault_sync_course", TEST_COURSE, "--olx", str(test_course_tar), "--dry-run")
    assert report["status"] == "dry_run" and report["sync_id"] is None
    assert_first_import(report)
    assert not CourseNode.objects.exists() and not SyncRecord.objects.exists()


@pytest.mark.django_db
def test_dry_run_nodes_count_removals_from_the_modulestore_source() -> None:
    standalone.publish_outline(small_outline(), send_signal=False)
    first = run_json("vault_sync_course", str(COURSE), "--source", "modulestore")
    assert first["nodes"] == {"topic": 2, "subtopic": 2, "objective": 3}
    # Drop t2 > s2 > o3: the mirror would keep one topic, one subtopic, two objectives.
    standalone.publish_outline(with_nodes(small_outline(), small_outline().nodes[:4], "v2"), send_signal=False)
    preview = run_json("vault_sync_course", str(COURSE), "--source", "modulestore", "--dry-run")
    assert preview["counts"]["remove"] == 3
    assert preview["nodes"] == {"topic": 1, "subtopic": 1, "objective": 2}
    assert CourseNode.objects.filter(state=CourseNode.ACTIVE).count() == 7
    applied = run_json("vault_sync_course", str(COURSE), "--source", "modulestore")
    assert applied["nodes"] == preview["nodes"]


@pytest.mark.django_db
def test_human_summary(test_course_dir: Path) -> None:
    out = run("vault_sync_course", TEST_COURSE, "--olx", str(test_course_dir))
    sync_id = SyncRecord.objects.get().pk
    assert f"sync id {sync_id}" in out and "applied" in out
    assert "add 27" in out and "objective 22" in out
    assert not out.lstrip().startswith("{")


@pytest.mark.django_db
def test_undo_command_restores_the_mirror_and_reports_json(test_course_dir: Path) -> None:
    sync_id = run_json("vault_sync_course", TEST_COURSE, "--olx", str(test_course_dir))["sync_id"]
    report = run_json("vault_undo_sync", str(sync_id))
    assert list(report) == REPORT_KEYS
    assert report["status"] == "undone" and report["sync_id"] != sync_id
    assert report["counts"] == {**dict.fromkeys(COUNT_KEYS, 0), "remove": 27}  # unadd counts as remove
    assert {c["kind"] for c in report["changes"]} == {"unadd"}
    assert report["nodes"] == {"topic": 0, "subtopic": 0, "objective": 0}
    assert not CourseNode.objects.filter(state=CourseNode.ACTIVE).exists()
    with pytest.raises(CommandError, match="only an applied sync can be undone"):
        run("vault_undo_sync", str(sync_id))


@pytest.mark.django_db
def test_undo_of_an_undo_is_refused(test_course_dir: Path) -> None:
    sync_id = run_json("vault_sync_course", TEST_COURSE, "--olx", str(test_course_dir))["sync_id"]
    undo_id = run_json("vault_undo_sync", str(sync_id))["sync_id"]
    with pytest.raises(CommandError, match="itself an undo"):
        run("vault_undo_sync", str(undo_id))


def _malformed_export(tmp_path: Path) -> Path:
    (tmp_path / "course.xml").write_text('<course url_name="x" org="A" course="B"', encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-a-key", "--olx", "{course}"], "not a valid course key"),
        ([TEST_COURSE, "--olx", "/no/such/export"], "course export not found"),
        ([TEST_COURSE, "--olx", "{malformed}"], "invalid XML"),
        (["course-v1:Other+Course+1", "--olx", "{course}"], "not of the requested course-v1:Other+Course+1"),
        ([TEST_COURSE, "--source", "olx"], "--source olx needs --olx PATH"),
        ([TEST_COURSE, "--olx", "{course}", "--source", "modulestore"], "cannot be combined"),
        ([TEST_COURSE, "--source", "modulestore"], "has no published outline"),
    ],
)
def test_sync_errors_are_command_errors(args: list[str], message: str, test_course_dir: Path, tmp_path: Path) -> None:
    values = {"course": str(test_course_dir), "malformed": str(_malformed_export(tmp_path))}
    with pytest.raises(CommandError, match=re.escape(message)):
        run("vault_sync_course", *[arg.format(**values) for arg in args])
    assert not CourseNode.objects.exists()


@pytest.mark.django_db
def test_undo_unknown_sync_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="Sync 999 does not exist"):
        run("vault_undo_sync", "999")


# --- subprocess: ./manage.py cms ..., as operators run it ----------------------------------------


@pytest.fixture(scope="module")
def cms_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of its own: the subprocess cannot see the test transaction."""
    data = tmp_path_factory.mktemp("cms-data")
    env = {
        **os.environ,
        "VAULT_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'vault.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "",
    }
    manage("migrate", "-v0", env=env, check=True)
    return env


def manage(*args: str, env: dict[str, str], check: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO_ROOT / "manage.py"), "cms", "--settings=test_settings", *args]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_subprocess_json_from_dir_then_tar(
    cms_env: dict[str, str], test_course_dir: Path, test_course_tar: Path
) -> None:
    dry = manage("vault_sync_course", TEST_COURSE, "--olx", str(test_course_dir), "--json", "--dry-run", env=cms_env)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["sync_id"] is None
    first = manage("vault_sync_course", TEST_COURSE, "--olx", str(test_course_dir), "--json", env=cms_env)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["status"] == "applied" and isinstance(report["sync_id"], int)
    assert_first_import(report)
    tar = manage("vault_sync_course", TEST_COURSE, "--olx", str(test_course_tar), "--json", env=cms_env)
    assert tar.returncode == 0, tar.stderr
    same = json.loads(tar.stdout)
    assert same["status"] == "unchanged" and same["nodes"] == FULL_COURSE_NODES
    undo = manage("vault_undo_sync", str(report["sync_id"]), "--json", env=cms_env)
    assert undo.returncode == 0, undo.stderr
    assert json.loads(undo.stdout)["status"] == "undone"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vault_sync_course", "bad-key", "--olx", "/tmp"], "'bad-key' is not a valid course key"),
        (["vault_sync_course", TEST_COURSE, "--olx", "/no/such/export", "--json"], "course export not found"),
        (["vault_sync_course", "course-v1:Other+Course+1", "--olx", "{course}"], "not of the requested"),
        (["vault_undo_sync", "424242"], "Sync 424242 does not exist"),
    ],
)
def test_subprocess_errors_exit_non_zero_without_traceback(
    cms_env: dict[str, str], test_course_dir: Path, args: list[str], message: str
) -> None:
    result = manage(*[arg.format(course=test_course_dir) for arg in args], env=cms_env)
    assert result.returncode != 0
    assert message in result.stderr and "CommandError" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
