"""
Query parameters and bodies that do not fit are a 400 naming them, never a silent fallback (issue 18, hostile input).

schemathesis' ``negative_data_rejection`` found them answered 200: ``?page_size=AAA`` and ``?page_size=0`` fell
back to 50 rows, ``?include_archived=AAA`` (or the flag twice) to false, and the JSON bodies ``false`` and
``null`` to ``{}`` on ``POST .../syncs/`` and ``.../syncs/preview/``, which then ran a sync. A client that sends
any of these means something else than what it got; each is now a 400 whose ``field`` names the parameter,
and a refused sync writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from hosts.standalone_platform.backend import grant_course_role
from tests.assessments.api_builders import COURSE, make_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.cms]

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/"
LISTS = ("syncs/", "questions/", "assessments/")
FLAGGED = ("outline/", "questions/", "assessments/")


@pytest.fixture
def client(make_user: Any, jwt_client: Any) -> APIClient:
    make_assessment()
    author = make_user("author")
    grant_course_role(author, COURSE)
    return jwt_client(author)


def refused(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["error_code"] == "invalid" and body["field"] == field, body
    return body


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["AAA", "0", "-1", "1.5", "", "501", "9" * 40, "٣"])
def test_a_page_size_that_is_not_1_to_500_is_a_400(client: APIClient, path: str, value: str) -> None:
    body = refused(client.get(f"{API}{path}", {"page_size": value}), "page_size")
    assert "page_size must be a whole number from 1 to 500" in body["message"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["AAA", "0", "-1", "", "٣"])
def test_a_page_that_is_not_a_positive_number_is_a_400(client: APIClient, path: str, value: str) -> None:
    body = refused(client.get(f"{API}{path}", {"page": value}), "page")
    assert "page must be a whole number" in body["message"]


@pytest.mark.parametrize("path", LISTS)
def test_good_pages_still_answer(client: APIClient, path: str) -> None:
    for query in ({}, {"page_size": "1"}, {"page_size": "500", "page": "1"}):
        response = client.get(f"{API}{path}", query)
        assert response.status_code == 200, (query, response.content[:300])
    assert len(client.get(f"{API}{path}", {"page_size": "1"}).json()["results"]) == 1


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_page_parameter_given_twice_is_a_400(client: APIClient, path: str, name: str) -> None:
    body = refused(client.get(f"{API}{path}?{name}=1&{name}=2"), name)
    assert "once" in body["message"]


@pytest.mark.parametrize("path", FLAGGED)
@pytest.mark.parametrize("value", ["AAA", "", "2", "truE1", "on"])
def test_include_archived_that_is_not_a_boolean_is_a_400(client: APIClient, path: str, value: str) -> None:
    body = refused(client.get(f"{API}{path}", {"include_archived": value}), "include_archived")
    assert "true or false" in body["message"]


@pytest.mark.parametrize("path", FLAGGED)
def test_include_archived_given_twice_is_a_400(client: APIClient, path: str) -> None:
    for query in ("include_archived=true&include_archived=false", "include_archived=1&include_archived=1"):
        body = refused(client.get(f"{API}{path}?{query}"), "include_archived")
        assert "once" in body["message"]


@pytest.mark.parametrize("path", FLAGGED)
@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "false", "0", "no"])
def test_include_archived_booleans_answer(client: APIClient, path: str, value: str) -> None:
    assert client.get(f"{API}{path}", {"include_archived": value}).status_code == 200


@pytest.mark.parametrize("path", ["syncs/", "syncs/preview/"])
@pytest.mark.parametrize("body", ["false", "null", "[]", "0", '"modulestore"', "true", '[{"source": "modulestore"}]'])
def test_a_sync_body_that_is_not_an_object_is_a_400_and_syncs_nothing(client: APIClient, path: str, body: str) -> None:
    from ve_edu_vault.course_sync import api

    before = [record.id for record in api.list_sync_records(COURSE)]
    response = client.generic("POST", f"{API}{path}", body, "application/json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response.json()["error_code"] in ("invalid", "malformed_request")
    assert "object" in response.json()["message"]
    assert [record.id for record in api.list_sync_records(COURSE)] == before


@pytest.mark.parametrize("path", ["syncs/", "syncs/preview/"])
def test_an_empty_or_object_sync_body_still_syncs(client: APIClient, path: str) -> None:
    for body in ("", "{}", '{"source": null}', '{"source": "modulestore"}'):
        response = client.generic("POST", f"{API}{path}", body, "application/json")
        assert response.status_code in (200, 201), (body, response.content[:300])
