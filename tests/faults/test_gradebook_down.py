"""
The outbound gradebook endpoint is down (nothing listening), then failing (503), then back: the grade stays in the
outbox through every failed try (with its backoff and error), and is delivered exactly once after the endpoint
returns; later drains send nothing more.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from tests.assessments.api_builders import BLOCK, learner, make_assessment, right_answers
from tests.faults.servers import free_port
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments import grades
from ve_edu_vault.assessments.models import Attempt

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def gradebook(port: int, status: int, received: list[dict[str, Any]]) -> Iterator[None]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if status < 300:
                received.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_grade_reports_wait_while_the_endpoint_is_down_and_are_delivered_once_after(
    make_user: Any, settings: Any, monkeypatch: Any
) -> None:
    port = free_port()
    monkeypatch.setenv("VAULT_GRADEBOOK_URL", f"http://127.0.0.1:{port}/grades/")
    settings.VE_EDU_VAULT_PLATFORM_BACKEND = "tests.faults.http_gradebook_backend"
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"  # the request tries at once, then the drain
    student = learner(make_user)
    view = assessments.start_attempt(make_assessment().id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=student)  # endpoint down: the inline try fails, the report waits

    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.state == Attempt.GRADED and attempt.report_due_at is not None
    assert attempt.report_tries == 1 and "ConnectionError" in attempt.report_error
    now = timezone.now()
    assert grades.report_pending_grades(now=now + timedelta(hours=2)) == (0, 1)  # still down

    received: list[dict[str, Any]] = []
    with gradebook(port, 503, received):  # up but failing
        assert grades.report_pending_grades(now=now + timedelta(hours=4)) == (0, 1)
    failing = Attempt.objects.get(pk=view.id)
    assert failing.report_tries == 3 and "503" in failing.report_error and failing.report_due_at is not None

    with gradebook(port, 200, received):
        assert grades.report_pending_grades(now=now + timedelta(hours=1)) == (0, 0)  # not due yet: backoff kept
        assert grades.report_pending_grades(now=now + timedelta(hours=6)) == (1, 0)
        assert grades.report_pending_grades(now=now + timedelta(hours=12)) == (0, 0)
    assert len(received) == 1
    assert received[0]["usage_key"] == str(BLOCK) and received[0]["value"] == pytest.approx(received[0]["max_value"])
    delivered = Attempt.objects.get(pk=view.id)
    assert delivered.report_due_at is None and delivered.report_tries == 0 and delivered.report_error == ""
