"""
Schemathesis over the whole API of each host, as a learner and as staff (issue 18: hostile input, item 9).

For every operation in the host's OpenAPI schema, schemathesis generates requests from the schema
(valid and invalid path, query and body values) and sends each twice through the host's real WSGI
application: once with a learner's JWT, once with a course staff member's. Every answer must be
no 5xx, carry a documented status code and content type, and match the schema declared for that
status. A course with an outline, questions, an assessment, an attempt in progress and a
submitted one exists, and half of the requests name that course, so the views get past "no such
course" into their real work. Throttling is off (the counts would be 429s, tested elsewhere).

Bounded in time: ``MAX_EXAMPLES`` per operation and a deadline-free Hypothesis run, about a
minute per host on a shared 2-core machine (``SCHEMATHESIS_MAX_EXAMPLES`` raises it for a longer
hunt locally).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hosts.standalone_platform.backend import enroll, grant_course_role
from tests.assessments.api_builders import COURSE, learner, make_assessment, right_answers
from tests.jwt_tokens import jwt_headers, lms_jwt

pytestmark = [pytest.mark.django_db, pytest.mark.both_hosts, pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
UNTHROTTLED = {"vault_user": "1000000/minute", "vault_staff": "1000000/minute"}
_alternate = itertools.count()


def served_schema() -> dict[str, Any]:
    """The schema as this host serves it (read when the module is collected: no database needed)."""
    response = Client().get("/api/ve-edu-vault/v1/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(served_schema())


@pytest.fixture
def tokens(make_user: Any, settings: Any) -> Iterator[dict[str, str]]:
    """A course with data in it, a learner's and a staff member's JWT, and the host as gunicorn runs it."""
    from ve_edu_vault.assessments import api

    settings.VE_EDU_VAULT_API_THROTTLE_RATES = UNTHROTTLED
    assessment = make_assessment(attempt_limit=None)
    student = learner(make_user, "schema_learner")
    done = api.start_attempt(assessment.id, student)
    api.save_answers(done.id, user=student, answers=right_answers(done))
    api.submit_attempt(done.id, user=student)
    api.start_attempt(assessment.id, student)
    staff = make_user("schema_staff")
    grant_course_role(staff, COURSE)
    enroll(staff, COURSE)
    # The real WSGI handler minus closing the test's database connection at the end of each
    # request (what Django's test client leaves out too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"learner": lms_jwt(student), "staff": lms_jwt(staff)}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


APP = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(case: Any, tokens: dict[str, str]) -> None:
    if "course_key" in (case.path_parameters or {}) and next(_alternate) % 2 == 0:
        case.path_parameters["course_key"] = str(COURSE)
    for token in tokens.values():
        case.call_and_validate(app=APP, headers=jwt_headers(token), checks=CHECKS)
