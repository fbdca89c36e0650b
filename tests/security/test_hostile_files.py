"""
Hostile question files and course exports through Studio's REST endpoints: a 400 naming the file, nothing stored.

Fills the gaps left by the archive, interchange and import tests (``tests/olx/``,
``tests/questions/interchange/test_interchange_safety.py``, ``tests/questions/test_import_hostile.py``):
deeply nested XML, empty archives, text that is not UTF-8, NUL bytes, links in a course export and a file that
is no archive at all, each sent as an author would, to ``question-imports/`` and ``questions/import-olx/``.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hosts.standalone_platform.backend import grant_course_role
from tests.assessments.api_builders import COURSE, make_assessment

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
API = f"/api/ve-edu-vault/v1/courses/{COURSE}/"
DEPTH = 100_000


def _tgz(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


COURSE_XML = b'<course url_name="run" org="Vault" course="Exam101"/>'
QUESTION_FILES = {
    "deeply-nested-moodle-xml": (
        b'<?xml version="1.0"?><quiz><question type="multichoice"><name><text>x</text></name>'
        + b"<x>" * DEPTH
        + b"</x>" * DEPTH
        + b"</question></quiz>",
        "bank.xml",
        "moodle-xml",
        "bank.xml:1",
    ),
    "nul-in-moodle-xml": (b'<?xml version="1.0"?><quiz>\x00</quiz>', "bank.xml", "moodle-xml", "bank.xml:1"),
    "latin-1-gift": ("::Q:: Café ? {=oui ~non}".encode("latin-1"), "bank.gift", "gift", "not UTF-8"),
    "latin-1-aiken": ("Café?\nA. a\nB. b\nANSWER: A\n".encode("latin-1"), "bank.txt", "aiken", "not UTF-8"),
    "empty-zip-package": (_empty_zip(), "package.zip", "auto", "package.zip"),
    "empty-tar-gz": (_tgz(), "package.tar.gz", "auto", "package.tar.gz"),
}
EXPORTS = {
    "empty-archive": (_tgz(), "no course.xml"),
    "symlink": (
        _tgz((tarfile.TarInfo("course/course.xml"), COURSE_XML), (_link("course/problem/p.xml", "/etc/passwd"), None)),
        "'course/problem/p.xml' is a link",
    ),
    "hard-link": (
        _tgz(
            (tarfile.TarInfo("course/course.xml"), COURSE_XML),
            (_link("course/p.xml", "course.xml", tarfile.LNKTYPE), None),
        ),
        "'course/p.xml' is a link",
    ),
    "not-an-archive": (b"\x00" * 64, "cannot read the archive"),
}


@pytest.fixture
def author(make_user: Any, jwt_client: Any) -> Any:
    make_assessment()
    user = make_user("author")
    grant_course_role(user, COURSE)
    return jwt_client(user)


def _stored() -> list[Any]:
    from ve_edu_vault.questions.models import Question, QuestionVersion

    return [list(Question.objects.order_by("pk").values_list()), list(QuestionVersion.objects.values_list("pk"))]


@pytest.mark.parametrize("case", sorted(QUESTION_FILES))
def test_a_hostile_question_file_is_a_400_naming_it_and_imports_nothing(author: Any, case: str) -> None:
    data, name, file_format, named = QUESTION_FILES[case]
    before = _stored()
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = author.post(f"{API}question-imports/", {"file": upload, "format": file_format}, format="multipart")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["error_code"] == "interchange_unreadable" and body["field"] == "file", body
    assert named in body["message"] and len(body["message"]) < 300, body["message"]
    assert _stored() == before


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_a_hostile_course_export_is_a_400_naming_it_and_imports_nothing(author: Any, case: str) -> None:
    data, named = EXPORTS[case]
    before = _stored()
    upload = SimpleUploadedFile("export.tar.gz", data, "application/gzip")
    response = author.post(f"{API}questions/import-olx/", {"file": upload}, format="multipart")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert named in response.json()["message"], response.json()
    assert _stored() == before
