"""
The OpenAPI schema says what the API answers (issue 18, item 9), checked on the schema itself.

Before: lists answered as ``{"count", "results"}`` were declared as arrays (the learner's
assessments and attempts, mastery) or as a single object (regrades), the current attempt's
``null`` was not allowed, 404 and 409 were missing from many operations, ``answers`` was optional
in PATCH's body, and error bodies had no schema. ``test_schemathesis.py`` then sends generated
requests and checks every answer against this schema.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.both_hosts]
API = "/api/ve-edu-vault/v1"


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def body(schema: dict[str, Any], path: str, method: str, status: str = "200") -> dict[str, Any]:
    response = schema["paths"][f"{API}{path}"][method]["responses"][status]
    return resolve(schema, response["content"]["application/json"]["schema"])


def test_every_operation_documents_the_common_errors_with_the_error_body(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["VaultError"]
    assert error["required"] == ["error_code", "message", "field"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "415", "429"):
                response = operation["responses"].get(status)
                assert response, f"{method.upper()} {path} does not document {status}"
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/VaultError"}


def test_ids_in_paths_are_bounded_integers(schema: dict[str, Any]) -> None:
    seen = 0
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    seen += 1
                    assert parameter["schema"] == {
                        "type": "integer",
                        "format": "int64",
                        "minimum": 0,
                        "maximum": 2**63 - 1,
                    }
    assert seen > 5


@pytest.mark.parametrize(
    ("host", "path", "extra"),
    [
        ("lms", "/courses/{course_key}/assessments/", {"next", "previous"}),
        ("lms", "/courses/{course_key}/assessments/{assessment_id}/attempts/", {"next", "previous"}),
        ("lms", "/courses/{course_key}/mastery/", {"next", "previous"}),
        ("lms", "/courses/{course_key}/export-jobs/", {"next", "previous"}),
        ("cms", "/courses/{course_key}/questions/{question_id}/versions/", {"next", "previous"}),
        ("cms", "/courses/{course_key}/regrades/", {"next", "previous"}),
        ("cms", "/courses/{course_key}/assessments/{assessment_id}/accommodations/", {"next", "previous"}),
        ("cms", "/webhooks/subscriptions/", {"next", "previous"}),
        ("lms", "/webhooks/subscriptions/{subscription_id}/deliveries/", {"next", "previous"}),
        ("cms", "/courses/{course_key}/questions/", {"page", "page_size"}),
        ("cms", "/courses/{course_key}/assessments/", {"next", "previous"}),
        ("cms", "/courses/{course_key}/syncs/", {"next", "previous"}),
    ],
)
def test_lists_are_declared_as_the_counted_objects_they_are(
    schema: dict[str, Any], settings: Any, host: str, path: str, extra: set[str]
) -> None:
    if host != settings.VAULT_HOST:
        pytest.skip(f"a {host} endpoint")
    listed = body(schema, path, "get")
    assert listed["type"] == "object" and set(listed["properties"]) == {"count", "results", *extra}
    assert {"count", "results"} <= set(listed["required"])
    assert listed["properties"]["results"]["type"] == "array"


def test_the_learner_api_documents_404_and_409_and_requires_answers(schema: dict[str, Any], settings: Any) -> None:
    if settings.VAULT_HOST != "lms":
        pytest.skip("learner endpoints")
    submit = schema["paths"][f"{API}/attempts/{{attempt_id}}/submit/"]["post"]["responses"]
    assert {"404", "409"} <= set(submit)
    for method in ("put", "patch"):
        request = schema["paths"][f"{API}/attempts/{{attempt_id}}/answers/"][method]["requestBody"]
        answers = resolve(schema, request["content"]["application/json"]["schema"])
        assert answers["required"] == ["answers"], method
    current = schema["paths"][f"{API}/courses/{{course_key}}/assessments/{{assessment_id}}/attempts/current/"]
    assert current["get"]["responses"]["200"]["content"]["application/json"]["schema"]["nullable"] is True


def test_studio_documents_conflicts(schema: dict[str, Any], settings: Any) -> None:
    if settings.VAULT_HOST != "cms":
        pytest.skip("Studio endpoints")
    for path in ("/syncs/{sync_id}/undo/", "/courses/{course_key}/question-imports/{job_id}/confirm/"):
        assert "409" in schema["paths"][f"{API}{path}"]["post"]["responses"], path
