"""
The question import endpoint and command on hostile archives (issue 18, item 2).

A 341-byte archive whose GNU long-name header announced 256 MiB made Studio use 2.3 GB and answer
with a 268 MB error body (the name echoed). Now: a 400 with a short message, Python's allocations
during the request bounded (``tracemalloc`` peak), nothing stored.
"""

from __future__ import annotations

import io
import tarfile
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hostile_archives import COURSE_MEMBERS, course_members, gnu_long_name, pax_header, write_stream
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import grant_course_role
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
COURSE = CourseKey.from_string("course-v1:VeX+Demo+2024")
URL = f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/import-olx/"
MiB = 1024 * 1024


@pytest.fixture
def staff(make_user: Any, jwt_client: Any) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    return jwt_client(user)


def _post(staff: Any, path: Path) -> tuple[Any, int]:
    """Upload ``path``: (the response, the peak of Python allocations during the request)."""
    tracemalloc.start()
    try:
        with path.open("rb") as upload:
            response = staff.post(URL, {"file": upload}, format="multipart")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


def _archive(tmp_path: Path, first: Iterable[bytes]) -> Path:
    path = write_stream(tmp_path / "export.tar.gz", [*first, *course_members()])
    assert path.stat().st_size < 4096
    return path


@pytest.mark.parametrize(
    ("first", "words"),
    [
        (lambda: gnu_long_name(16 * MiB), "member name"),
        (lambda: gnu_long_name(16 * MiB, kind=tarfile.GNUTYPE_LONGLINK), "member name"),
        (lambda: pax_header(size=16 * MiB), "extended headers"),
        (lambda: pax_header(size=16 * MiB, kind=tarfile.XGLTYPE), "extended headers"),
    ],
    ids=["gnu-longname", "gnu-longlink", "pax", "pax-global"],
)
def test_header_bombs_are_a_short_400(staff: Any, tmp_path: Path, first: Any, words: str) -> None:
    response, peak = _post(staff, _archive(tmp_path, first()))
    assert response.status_code == 400
    assert len(response.content) < 1000
    body = response.json()
    assert body["error_code"] == "invalid" and body["field"] == "path" and words in body["message"]
    assert peak < 16 * MiB, f"{peak / MiB:.1f} MiB allocated during the request"
    assert api.list_questions(COURSE).total == 0


def test_non_utf8_member_name_is_a_400_naming_it(staff: Any, tmp_path: Path) -> None:
    path = tmp_path / "latin1.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as tar:
        for name, data in [("course/static/caf\xe9.txt", b"x"), *COURSE_MEMBERS.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    response, _ = _post(staff, path)
    assert response.status_code == 400 and "not UTF-8" in response.json()["message"]


def test_the_command_refuses_a_bomb_with_a_short_message(tmp_path: Path) -> None:
    bomb = _archive(tmp_path, gnu_long_name(16 * MiB))
    with pytest.raises(CommandError) as caught:
        call_command("vault_import_olx_problems", str(COURSE), str(bomb), stdout=io.StringIO())
    assert "member name" in str(caught.value) and len(str(caught.value)) < 500
