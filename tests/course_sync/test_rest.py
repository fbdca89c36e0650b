"""
The course sync REST API in Studio: each endpoint for course staff (JWT and session), refusals, errors.

The outline comes from the standalone modulestore (``publish_outline``), as Studio's would.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from hosts.standalone_platform import backend as standalone
from tests.course_sync.conftest import COURSE, small_outline, with_nodes
from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

API = "/api/ve-edu-vault/v1"
C = str(COURSE)
REPORT_KEYS = ["sync_id", "course_key", "outline_version", "status", "nodes", "counts", "changes"]


@pytest.fixture
def course_staff(make_user: Any) -> Any:
    user = make_user("course_staff")
    standalone.grant_course_role(user, COURSE)
    return user


@pytest.fixture
def learner(make_user: Any) -> Any:
    user = make_user("learner")
    standalone.enroll(user, COURSE)
    return user


@pytest.fixture
def client(jwt_client: Any, course_staff: Any) -> APIClient:
    client: APIClient = jwt_client(course_staff)
    return client


@pytest.fixture
def published() -> None:
    standalone.publish_outline(small_outline(), send_signal=False)


@pytest.fixture
def synced(published: None) -> int:
    sync_id = api.sync_course(COURSE, source="modulestore").sync_id
    assert sync_id is not None
    return sync_id


def publish_without_t2(version: str = "v2") -> None:
    standalone.publish_outline(with_nodes(small_outline(), small_outline().nodes[:4], version), send_signal=False)


@pytest.fixture
def held(synced: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """A sync held for review: every removed node carries data, under the hold_destructive policy."""
    monkeypatch.setattr(api, "_node_usage_checks", [lambda course, keys: set(keys)])
    api.set_sync_policy(COURSE, "hold_destructive")
    publish_without_t2()
    result = api.sync_course(COURSE, source="modulestore")
    assert result.status == "held" and result.sync_id is not None
    return result.sync_id


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["error_code"] == code and body["message"]
    assert "field" in body
    return body


# --- reading --------------------------------------------------------------------------------------


def test_outline_tree(client: APIClient, synced: int) -> None:
    response = client.get(f"{API}/courses/{C}/outline/")
    assert response.status_code == 200
    body = response.json()
    assert body["course_key"] == C
    assert [t["display_name"] for t in body["topics"]] == ["T1", "T2"]
    assert [o["display_name"] for o in body["topics"][0]["children"][0]["children"]] == ["O1", "O2"]
    publish_without_t2()
    api.sync_course(COURSE, source="modulestore")
    assert [t["display_name"] for t in client.get(f"{API}/courses/{C}/outline/").json()["topics"]] == ["T1"]
    archived = client.get(f"{API}/courses/{C}/outline/?include_archived=1").json()["topics"]
    assert [(t["display_name"], t["archived"]) for t in archived] == [("T1", False), ("T2", True)]


def test_the_outline_carries_an_etag_and_answers_304_while_unchanged(client: APIClient, synced: int) -> None:
    first = client.get(f"{API}/courses/{C}/outline/")
    tag = first["ETag"]
    assert first.status_code == 200 and tag.startswith('"') and len(tag) == 34
    again = client.get(f"{API}/courses/{C}/outline/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag and again.content == b""
    publish_without_t2()
    api.sync_course(COURSE, source="modulestore")
    changed = client.get(f"{API}/courses/{C}/outline/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag  # the outline changed: a new body, a new tag


def test_sync_history_is_paginated_newest_first(client: APIClient, synced: int) -> None:
    publish_without_t2()
    second = api.sync_course(COURSE, source="modulestore").sync_id
    body = client.get(f"{API}/courses/{C}/syncs/?page_size=1").json()
    assert body["count"] == 2 and body["next"]
    assert [r["id"] for r in body["results"]] == [second]
    assert body["results"][0]["counts"]["remove"] == 3
    assert "changes" not in body["results"][0]


def test_sync_detail_with_changes(client: APIClient, synced: int) -> None:
    body = client.get(f"{API}/syncs/{synced}/").json()
    assert body["id"] == synced and body["status"] == "applied" and body["course_key"] == C
    assert body["counts"]["add"] == 7 and len(body["changes"]) == 7
    assert body["changes"][0]["block_type"] == "chapter" and body["changes"][0]["display_name"] == "T1"
    error(client.get(f"{API}/syncs/999999/"), 404, "not_found")


# --- syncing --------------------------------------------------------------------------------------


def test_preview_writes_nothing(client: APIClient, published: None) -> None:
    response = client.post(f"{API}/courses/{C}/syncs/preview/", {"source": "modulestore"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == REPORT_KEYS
    assert body["status"] == "dry_run" and body["sync_id"] is None and body["counts"]["add"] == 7
    assert body["nodes"] == {"topic": 2, "subtopic": 2, "objective": 3}
    assert not SyncRecord.objects.exists() and not CourseNode.objects.exists()


@pytest.mark.parametrize("body", [{"source": "olx"}, {"source": "olx", "path": "/etc"}, {"source": "nope"}])
def test_no_filesystem_source_over_rest(client: APIClient, published: None, body: dict[str, str]) -> None:
    for url in (f"{API}/courses/{C}/syncs/preview/", f"{API}/courses/{C}/syncs/"):
        assert error(client.post(url, body, format="json"), 400, "invalid")["field"] == "source"
    assert not SyncRecord.objects.exists()


def test_trigger_sync(client: APIClient, course_staff: Any, published: None) -> None:
    response = client.post(f"{API}/courses/{C}/syncs/", {"source": "modulestore"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "applied" and body["counts"]["add"] == 7
    record = SyncRecord.objects.get(pk=body["sync_id"])
    assert record.requested_by == course_staff and record.trigger == "rest_api"
    again = client.post(f"{API}/courses/{C}/syncs/", {}, format="json")  # the configured source
    assert again.status_code == 200 and again.json()["status"] == "unchanged"


def test_trigger_sync_of_an_unpublished_course_is_404(client: APIClient) -> None:
    error(client.post(f"{API}/courses/{C}/syncs/", {"source": "modulestore"}, format="json"), 404, "not_found")


def test_undo_then_conflict(client: APIClient, synced: int) -> None:
    response = client.post(f"{API}/syncs/{synced}/undo/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "undone" and response.json()["nodes"]["topic"] == 0
    error(client.post(f"{API}/syncs/{synced}/undo/"), 409, "conflict")
    assert client.get(f"{API}/courses/{C}/sync-settings/").json()["paused"] is True


def test_undo_overwritten_by_a_later_sync_is_409_with_details(client: APIClient, synced: int) -> None:
    publish_without_t2()
    api.sync_course(COURSE, source="modulestore")
    body = error(client.post(f"{API}/syncs/{synced}/undo/"), 409, "conflict")
    assert len(body["details"]["conflicts"]) == 3
    assert {c["kind"] for c in body["details"]["conflicts"]} == {"remove"}


def test_approve_held_sync(client: APIClient, held: int) -> None:
    response = client.post(f"{API}/syncs/{held}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied" and response.json()["nodes"]["topic"] == 1
    error(client.post(f"{API}/syncs/{held}/approve/"), 409, "conflict")
    error(client.post(f"{API}/syncs/{held}/reject/"), 409, "conflict")


def test_reject_held_sync(client: APIClient, held: int) -> None:
    response = client.post(f"{API}/syncs/{held}/reject/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected" and response.json()["id"] == held
    assert CourseNode.objects.filter(state=CourseNode.ACTIVE).count() == 7


def test_sync_settings(client: APIClient, synced: int) -> None:
    url = f"{API}/courses/{C}/sync-settings/"
    assert client.get(url).json() == {
        "course_key": C,
        "policy": "apply_all",
        "paused": False,
        "paused_reason": "",
        "last_version": "v1",
        "last_heartbeat_at": client.get(url).json()["last_heartbeat_at"],
    }
    assert client.patch(url, {"policy": "hold_destructive"}, format="json").json()["policy"] == "hold_destructive"
    api.undo_sync(synced)
    assert client.get(url).json()["paused"] is True
    resumed = client.patch(url, {"paused": False}, format="json").json()
    assert resumed["paused"] is False and resumed["paused_reason"] == ""
    assert error(client.patch(url, {"paused": True}, format="json"), 400, "invalid")["field"] == "paused"
    assert error(client.patch(url, {"policy": "yolo"}, format="json"), 400, "invalid")["field"] == "policy"


# --- who may ------------------------------------------------------------------------------------

COURSE_ENDPOINTS = [
    ("get", "courses/{course}/outline/"),
    ("get", "courses/{course}/syncs/"),
    ("post", "courses/{course}/syncs/"),
    ("post", "courses/{course}/syncs/preview/"),
    ("get", "courses/{course}/sync-settings/"),
    ("patch", "courses/{course}/sync-settings/"),
]
SYNC_ENDPOINTS = [
    ("get", "syncs/{sync_id}/"),
    ("post", "syncs/{sync_id}/undo/"),
    ("post", "syncs/{sync_id}/approve/"),
    ("post", "syncs/{sync_id}/reject/"),
]


def call(client: APIClient, method: str, url: str) -> Any:
    return getattr(client, method)(f"{API}/{url}", {}, format="json")


@pytest.mark.parametrize(("method", "url"), COURSE_ENDPOINTS)
def test_learner_403_anonymous_401(method: str, url: str, jwt_client: Any, learner: Any, synced: int) -> None:
    url = url.format(course=C, sync_id=synced)
    error(call(jwt_client(learner), method, url), 403, "permission_denied")
    error(call(APIClient(), method, url), 401, "not_authenticated")
    assert SyncRecord.objects.count() == 1


@pytest.mark.parametrize(("method", "url"), SYNC_ENDPOINTS)
def test_a_sync_id_is_unknown_to_all_but_its_course_staff(
    method: str, url: str, jwt_client: Any, learner: Any, make_user: Any, synced: int
) -> None:
    """A learner or another course's staff gets the 404 of an id that does not exist: a guess tells nothing."""
    other = make_user("other_staff")
    standalone.grant_course_role(other, COURSE.replace(run="other"))
    for client in (jwt_client(learner), jwt_client(other)):
        body = error(call(client, method, url.format(sync_id=synced)), 404, "not_found")
        unknown = error(call(client, method, url.format(sync_id=424242)), 404, "not_found")
        assert body["message"].replace(str(synced), "N") == unknown["message"].replace("424242", "N")
    error(call(APIClient(), method, url.format(sync_id=synced)), 401, "not_authenticated")
    assert SyncRecord.objects.count() == 1


@pytest.mark.parametrize(("method", "url"), COURSE_ENDPOINTS)
def test_bad_course_key_400(method: str, url: str, jwt_client: Any, staff_user: Any) -> None:
    body = error(call(jwt_client(staff_user), method, url.format(course="not-a-course")), 400, "invalid")
    assert body["field"] == "course_key"


@pytest.mark.parametrize(("method", "url"), SYNC_ENDPOINTS)
def test_unknown_sync_404(method: str, url: str, client: APIClient) -> None:
    error(call(client, method, url.format(sync_id=424242)), 404, "not_found")


def test_session_auth_and_global_staff(staff_user: Any, synced: int) -> None:
    session = APIClient()
    session.force_login(staff_user)
    assert session.get(f"{API}/courses/{C}/outline/").status_code == 200
    assert session.get(f"{API}/syncs/{synced}/").status_code == 200
    assert session.post(f"{API}/syncs/{synced}/undo/").status_code == 200


def test_session_auth_enforces_csrf(course_staff: Any, synced: int) -> None:
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(course_staff)
    assert session.get(f"{API}/courses/{C}/syncs/").status_code == 200
    error(session.post(f"{API}/syncs/{synced}/undo/"), 403, "permission_denied")  # CSRF failed
    assert SyncRecord.objects.get(pk=synced).status == "applied"


def test_schema_lists_the_endpoints(client: APIClient) -> None:
    response = APIClient().get(f"{API}/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for expected, methods in {
        "/api/ve-edu-vault/v1/courses/{course_key}/outline/": {"get"},
        "/api/ve-edu-vault/v1/courses/{course_key}/syncs/": {"get", "post"},
        "/api/ve-edu-vault/v1/courses/{course_key}/syncs/preview/": {"post"},
        "/api/ve-edu-vault/v1/courses/{course_key}/sync-settings/": {"get", "patch"},
        "/api/ve-edu-vault/v1/syncs/{sync_id}/": {"get"},
        "/api/ve-edu-vault/v1/syncs/{sync_id}/undo/": {"post"},
        "/api/ve-edu-vault/v1/syncs/{sync_id}/approve/": {"post"},
        "/api/ve-edu-vault/v1/syncs/{sync_id}/reject/": {"post"},
    }.items():
        assert methods <= set(paths[expected]), expected
    assert "course sync" in paths["/api/ve-edu-vault/v1/syncs/{sync_id}/undo/"]["post"]["tags"]
