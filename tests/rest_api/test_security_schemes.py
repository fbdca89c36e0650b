"""
The schema says how to authenticate (``securitySchemes`` and each operation's ``security``), and it is true: every
operation that requires credentials answers 401 without them, in both hosts.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.both_hosts]

COURSE = "course-v1:Vault+Exam101+2026"
USAGE = "block-v1:Vault+Exam101+2026+type@vertical+block@unit"


def _schema() -> dict[str, Any]:
    response = Client().get("/api/ve-edu-vault/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_every_operation_declares_its_security_and_an_operation_id() -> None:
    schema = _schema()
    schemes = schema["components"]["securitySchemes"]
    assert {"jwtAuth", "sessionAuth"} <= set(schemes)
    assert schemes["jwtAuth"] == {**schemes["jwtAuth"], "type": "apiKey", "in": "header", "name": "Authorization"}
    ids = []
    for path, method, operation in _operations(schema):
        assert "security" in operation, (method, path)
        for requirement in operation["security"]:
            assert set(requirement) <= set(schemes) | set(), (method, path, requirement)
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_no_protected_operation_answers_without_credentials(client: Client) -> None:
    checked = 0
    for path, method, operation in _operations(_schema()):
        names = {name for requirement in operation["security"] for name in requirement}
        if not names & {"jwtAuth", "sessionAuth"} or {} in operation["security"]:
            continue
        url = re.sub(r"\{course_key\}", COURSE, path)
        url = re.sub(r"\{(usage_key|node_usage_key)\}", USAGE, url)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        if method in ("get", "head", "delete"):
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 401, (method, url, response.status_code, response.content[:200])
        checked += 1
    assert checked >= 10


def test_the_webhook_receiver_is_signed_not_logged_in() -> None:
    (operation,) = [op for _p, _m, op in _operations(_schema()) if op["operationId"] == "webhook_inbound_receive"]
    assert operation["security"] == [{"webhookSignature": []}]


def test_the_lti_launch_token_is_declared_only_where_it_is_accepted() -> None:
    """Studio's authoring views refuse LTI launch tokens: their operations do not offer that scheme."""
    from django.conf import settings

    declared = {
        (path, method)
        for path, method, operation in _operations(_schema())
        if any("ltiLaunchToken" in requirement for requirement in operation["security"])
    }
    authoring = [path for path, _ in declared if "/questions/" in path or "/syncs/" in path or "/regrades/" in path]
    assert authoring == []
    if settings.ROOT_URLCONF.startswith("hosts.lms"):
        assert any("/attempts/" in path for path, _ in declared)  # the learner's API takes it
