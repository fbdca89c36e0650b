"""The LMS REST clients: edx-rest-api-client's OAuth2 session against a real HTTP server playing the LMS."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.platform.rest_clients import EnrollmentsClient, LmsApiError

COURSE = CourseKey.from_string("course-v1:Org+Course+Run")
TOKEN = "an-lms-token"


@dataclass
class Lms:
    url: str = ""
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = (200, b"")
    gets: list[tuple[str, str | None]] = field(default_factory=list)
    token_status: int = 200
    delay: float = 0.0


@pytest.fixture
def lms() -> Iterator[Lms]:
    state = Lms()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the timeout test's client has gone
                self.wfile.write(body)

        def do_POST(self) -> None:  # the token endpoint
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(state.token_status, json.dumps({"access_token": TOKEN, "expires_in": 3600}).encode())

        def do_GET(self) -> None:
            state.gets.append((self.path, self.headers.get("Authorization")))
            time.sleep(state.delay)
            self._send(*(state.answers.pop(0) if state.answers else state.default))

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def client(lms: Lms, **kwargs: Any) -> EnrollmentsClient:
    return EnrollmentsClient(lms.url, "vault-service", "its-secret", **kwargs)


@pytest.mark.django_db
def test_an_active_enrollment_is_read_with_the_oauth_token(lms: Lms) -> None:
    lms.default = (200, json.dumps({"user": "ada", "is_active": True, "mode": "audit"}).encode())
    found = client(lms).enrollment("ada", COURSE)
    assert found is not None and found.is_active and found.mode == "audit" and found.username == "ada"
    path, auth = lms.gets[0]
    assert path == "/api/enrollment/v1/enrollment/ada,course-v1:Org+Course+Run" and auth == f"JWT {TOKEN}"


@pytest.mark.django_db
def test_no_enrollment_is_an_empty_answer(lms: Lms) -> None:
    assert client(lms).enrollment("bob", COURSE) is None
    assert client(lms).is_enrolled("bob", COURSE) is False


@pytest.mark.django_db
def test_transient_failures_are_retried_then_reported(lms: Lms) -> None:
    lms.answers = [(503, b'{"detail": "busy"}'), (502, b"")]
    lms.default = (200, json.dumps({"user": "ada", "is_active": False, "mode": "audit"}).encode())
    assert client(lms).is_enrolled("ada", COURSE) is False  # read after two retries: inactive
    assert len(lms.gets) == 3
    lms.gets.clear()
    lms.default = (503, b'{"detail": "maintenance"}')
    with pytest.raises(LmsApiError, match=r"HTTP 503.*maintenance") as error:
        client(lms, retries=1).enrollment("ada", COURSE)
    assert error.value.retryable and len(lms.gets) == 2


@pytest.mark.django_db
def test_refusals_say_what_to_check(lms: Lms) -> None:
    lms.default = (404, b"")
    with pytest.raises(LmsApiError, match="global staff") as error:
        client(lms).enrollment("someone", COURSE)
    assert not error.value.retryable


def test_a_closed_port_is_a_retryable_error() -> None:
    with pytest.raises(LmsApiError, match="cannot connect") as error:
        EnrollmentsClient("http://127.0.0.1:9", "id", "secret", retries=0).enrollment("ada", COURSE)
    assert error.value.retryable


def _page(lms: Lms, users: list[tuple[str, bool]], next_page: int | None) -> tuple[int, bytes]:
    """One page as ``CourseEnrollmentsApiListView`` answers it (openedx-platform enrollments/views.py)."""
    nxt = None if next_page is None else f"{lms.url}/api/enrollment/v1/enrollments/?course_id={COURSE}&page={next_page}"
    results = [
        {
            "created": "2026-12-01T00:00:00Z",
            "mode": "audit",
            "is_active": active,
            "user": name,
            "course_id": str(COURSE),
        }
        for name, active in users
    ]
    body = {"count": 3, "num_pages": 2, "current_page": 1, "start": 0, "next": nxt, "previous": None}
    return 200, json.dumps({**body, "results": results}).encode()


@pytest.mark.django_db
def test_a_courses_enrollments_are_read_page_by_page(lms: Lms) -> None:
    lms.answers = [_page(lms, [("ada", True), ("bob", False)], 2), _page(lms, [("cy", True)], None)]
    found = client(lms).course_enrollments(COURSE)
    assert [(item.username, item.is_active) for item in found] == [("ada", True), ("bob", False), ("cy", True)]
    first, second = lms.gets[0][0], lms.gets[1][0]
    assert first.startswith("/api/enrollment/v1/enrollments/?") and "course_id=course-v1%3AOrg%2BCourse%2BRun" in first
    assert "page_size=100" in first and second.endswith("page=2") and lms.gets[1][1] == f"JWT {TOKEN}"


@pytest.mark.django_db
def test_a_list_refused_or_malformed_is_a_clear_error(lms: Lms) -> None:
    lms.answers = [(403, b'{"detail": "You do not have permission to perform this action."}')]
    with pytest.raises(LmsApiError, match=r"HTTP 403.*global staff"):
        client(lms).course_enrollments(COURSE)
    lms.answers = [(200, b'{"results": [{"mode": "audit"}]}')]
    with pytest.raises(LmsApiError, match="not enrollments"):
        client(lms).course_enrollments(COURSE)


READS = {
    "enrollment": lambda api: api.enrollment("ada", COURSE),
    "course_enrollments": lambda api: api.course_enrollments(COURSE),
}


@pytest.mark.django_db
@pytest.mark.parametrize("read", sorted(READS))
def test_both_reads_report_a_refused_token_a_timeout_and_a_body_not_understood(lms: Lms, read: str) -> None:
    lms.token_status = 401
    with pytest.raises(LmsApiError, match=r"OAuth2 token request .* failed \(HTTP 401\); check the client id") as error:
        READS[read](client(lms))
    assert not error.value.retryable and lms.gets == []
    lms.token_status, lms.delay = 200, 1.0
    with pytest.raises(LmsApiError, match=r"Enrollment API at http://127.0.0.1:\d+ timed out reading") as error:
        READS[read](client(lms, timeout=(1.0, 0.2)))
    assert error.value.retryable and "course-v1:Org+Course+Run" in str(error.value)
    lms.delay, lms.default = 0.0, (200, b"<html>")
    with pytest.raises(LmsApiError, match=r"answered something (that is )?not (an enrollment|JSON).*<html>"):
        READS[read](client(lms))
