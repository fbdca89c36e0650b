"""
Course sync from hostile OLX archives (issue 18, items 2 and 5): a refusal, a short failed sync record.

A GNU long-name header announcing megabytes made the sync hold the whole name in memory and store
it in the sync record's message; a member whose name is not UTF-8 ended ``vault_sync_course`` in a
traceback with no record. Each now fails like any unreadable export: a ``ValidationError`` with a
short message, a ``failed`` sync record (for a course the vault knows), the mirror untouched.
The subprocess test runs the management commands as operators do and compares their peak memory
(``ru_maxrss``) with the same command on a valid export.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hostile_archives import COURSE_MEMBERS, course_members, gnu_long_name, pax_header, write_stream
from opaque_keys.edx.keys import CourseKey

from tests.conftest import REPO_ROOT
from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord
from ve_edu_vault.course_sync.sources import OutlineSourceError
from ve_edu_vault.errors import ValidationError

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:VeX+Demo+2024")
MiB = 1024 * 1024


def _valid(tmp_path: Path) -> Path:
    return write_stream(tmp_path / "valid.tar.gz", course_members(), compression="gz")


def _long_name_bomb(tmp_path: Path, size: int = 16 * MiB) -> Path:
    return write_stream(tmp_path / "bomb.tar.gz", [*gnu_long_name(size), *course_members()])


def _latin1_names(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as tar:
        for name, data in [("course/static/caf\xe9.txt", b"x"), *COURSE_MEMBERS.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _known_course(tmp_path: Path) -> dict[Any, Any]:
    assert api.sync_course(COURSE, source="olx", path=str(_valid(tmp_path))).status == "applied"
    return dict(CourseNode.objects.filter(course_key=COURSE).values_list("usage_key", "display_name"))


def test_long_name_bomb_fails_the_sync_with_a_short_record(tmp_path: Path) -> None:
    before = _known_course(tmp_path)
    bomb = _long_name_bomb(tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as caught:
            api.sync_course(COURSE, source="olx", path=str(bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "member name" in caught.value.message and len(caught.value.message) < 500
    assert peak < 8 * MiB, f"{peak / MiB:.1f} MiB allocated"
    record = SyncRecord.objects.get(course_key=COURSE, status=SyncRecord.FAILED)
    assert "member name" in record.message and len(record.message) < 500
    assert dict(CourseNode.objects.filter(course_key=COURSE).values_list("usage_key", "display_name")) == before


def test_pax_bomb_fails_the_sync(tmp_path: Path) -> None:
    _known_course(tmp_path)
    bomb = write_stream(tmp_path / "pax.tar.gz", [*pax_header(size=16 * MiB), *course_members()])
    with pytest.raises(ValidationError, match="extended headers"):
        api.sync_course(COURSE, source="olx", path=str(bomb))
    assert len(SyncRecord.objects.get(status=SyncRecord.FAILED).message) < 500


@pytest.mark.cms
def test_non_utf8_member_name_is_refused_by_the_command_and_recorded(tmp_path: Path) -> None:
    _known_course(tmp_path)
    with pytest.raises(CommandError, match="not UTF-8") as caught:
        call_command("vault_sync_course", str(COURSE), "--olx", str(_latin1_names(tmp_path)), stdout=io.StringIO())
    assert "caf\\udce9.txt" in str(caught.value)  # the name, escaped, so the author can find the file
    record = SyncRecord.objects.get(course_key=COURSE, status=SyncRecord.FAILED)
    assert record.message.startswith("invalid: ") and "not UTF-8" in record.message


def test_a_directory_export_with_a_non_utf8_file_name_syncs(tmp_path: Path) -> None:
    root = tmp_path / "dir"
    for name, data in COURSE_MEMBERS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "course" / "static").mkdir()
    (root / "course" / "static" / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    assert api.sync_course(COURSE, source="olx", path=str(root / "course")).status == "applied"


class _LoudSource:
    """A source whose error quotes megabytes of its input, as an unbounded one would."""

    name = "loud"

    def read(self, course_key: CourseKey) -> Any:
        raise OutlineSourceError("bad input: " + "A" * (4 * MiB))


def test_a_failure_message_is_cut_in_the_error_and_the_record(tmp_path: Path) -> None:
    from ve_edu_vault.domain_errors import MAX_MESSAGE_CHARS

    _known_course(tmp_path)
    with pytest.raises(ValidationError) as caught:
        api.sync_course(COURSE, source=_LoudSource())
    assert len(caught.value.message) <= MAX_MESSAGE_CHARS and "cut, 4194315 characters" in caught.value.message
    record = SyncRecord.objects.get(course_key=COURSE, status=SyncRecord.FAILED)
    assert len(record.message) <= MAX_MESSAGE_CHARS + len("invalid: ")


# --- the commands as operators run them: peak memory of the process -------------------------------


def _manage(args: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Run ``manage.py cms ARGS``: (exit code, stderr, peak resident memory in KiB)."""
    command = [sys.executable, str(REPO_ROOT / "manage.py"), "cms", "--settings=test_settings", *args]
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(180, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return process.returncode, err.read().decode(errors="replace"), usage.ru_maxrss


@pytest.mark.cms
@pytest.mark.slow
def test_commands_refuse_a_bomb_within_the_memory_of_a_valid_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {**os.environ, "VAULT_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'vault.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = ""
    assert _manage(["migrate", "-v0"], env)[0] == 0
    valid, bomb = _valid(tmp_path), _long_name_bomb(tmp_path, 32 * MiB)
    for command in (["vault_sync_course", str(COURSE), "--olx"], ["vault_import_olx_problems", str(COURSE)]):
        code, _, baseline = _manage([*command, str(valid)], env)
        assert code == 0
        code, stderr, peak = _manage([*command, str(bomb)], env)
        assert code == 1 and "member name" in stderr and "Traceback" not in stderr
        assert len(stderr) < 1000
        assert peak < baseline + 64 * 1024, f"{command[0]}: {peak} KiB against {baseline} KiB for a valid export"
