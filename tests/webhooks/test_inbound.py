"""Webhooks in: signature, timestamp window, replay by id, the handler registry, and the course-publish handler."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from tests.assessments.api_builders import COURSE, outline
from tests.celery_worker import celery_worker
from tests.webhooks import handlers_for_tests
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.webhooks import inbound
from ve_edu_vault.webhooks.models import InboundWebhookMessage

URL = "/api/ve-edu-vault/v1/webhooks/inbound/"
SECRET = "a-site-secret-from-tutor-0123456789"


def sign(body: bytes, *, secret: str = SECRET, msg_id: str | None = None, at: float | None = None) -> dict[str, str]:
    """Headers as the Standard Webhooks specification describes them (written here, not with the library)."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(at if at is not None else time.time()))
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    signature = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    return {
        "HTTP_WEBHOOK_ID": msg_id,
        "HTTP_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_WEBHOOK_SIGNATURE": f"v1,{signature.decode()}",
    }


def post(client: Any, payload: Any, **headers: str) -> Any:
    body = json.dumps(payload).encode()
    return client.post(URL, data=body, content_type="application/json", **(headers or sign(body)))


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET = SECRET


@pytest.fixture
def ping() -> Any:
    inbound.register("test.ping", handlers_for_tests.on_ping)
    handlers_for_tests.SEEN.clear()
    yield handlers_for_tests.SEEN
    inbound.unregister("test.ping")


@pytest.mark.django_db
def test_a_signed_message_runs_its_handler_once(client: Any, ping: list[Any]) -> None:
    body = json.dumps({"type": "test.ping", "data": {"n": 1}}).encode()
    headers = sign(body)
    first = client.post(URL, data=body, content_type="application/json", **headers)
    assert first.status_code == 202, first.content
    assert first.json() == {
        "status": "accepted",
        "message_id": headers["HTTP_WEBHOOK_ID"],
        "type": "test.ping",
        "outcome": "pong",
    }
    again = client.post(URL, data=body, content_type="application/json", **headers)  # a replay within the window
    assert again.status_code == 202 and again.json()["status"] == "duplicate"
    assert ping == [(headers["HTTP_WEBHOOK_ID"], {"n": 1})]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, h: {**h, "HTTP_WEBHOOK_SIGNATURE": "v1," + base64.b64encode(b"x" * 32).decode()},
        lambda body, h: sign(body, secret="another-secret"),
        lambda body, h: sign(body, at=time.time() - 600),  # replayed after the 5-minute window
        lambda body, h: sign(body, at=time.time() + 600),
        lambda body, h: {k: v for k, v in h.items() if k != "HTTP_WEBHOOK_ID"},
        lambda body, h: {**h, "HTTP_WEBHOOK_SIGNATURE": "garbage"},
        lambda body, h: {**h, "HTTP_WEBHOOK_TIMESTAMP": "soon"},
        lambda body, h: {},
    ],
)
def test_unsigned_forged_and_stale_messages_are_refused(client: Any, ping: list[Any], tamper: Any) -> None:
    body = json.dumps({"type": "test.ping", "data": {}}).encode()
    response = client.post(URL, data=body, content_type="application/json", **tamper(body, sign(body)))
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_signature"
    assert not ping and not InboundWebhookMessage.objects.exists()


@pytest.mark.django_db
def test_a_changed_body_fails_its_signature(client: Any, ping: list[Any]) -> None:
    headers = sign(json.dumps({"type": "test.ping", "data": {"n": 1}}).encode())
    forged = json.dumps({"type": "test.ping", "data": {"n": 2}}).encode()
    assert client.post(URL, data=forged, content_type="application/json", **headers).status_code == 401


@pytest.mark.django_db
def test_no_secret_no_webhooks(client: Any, settings: Any, ping: list[Any]) -> None:
    settings.VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET = ""
    assert post(client, {"type": "test.ping"}).status_code == 401


@pytest.mark.django_db
def test_a_whsec_secret_is_read_as_base64(client: Any, settings: Any, ping: list[Any]) -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    settings.VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET = secret
    body = json.dumps({"type": "test.ping"}).encode()
    assert client.post(URL, data=body, content_type="application/json", **sign(body, secret=secret)).status_code == 202


@pytest.mark.django_db
def test_unknown_types_are_ignored_and_bad_bodies_refused(client: Any) -> None:
    assert post(client, {"type": "nobody.handles.this"}).json()["status"] == "ignored"
    assert post(client, ["not", "an", "object"]).status_code == 400
    assert post(client, {"data": {}}).status_code == 400
    bad_key = post(client, {"type": "course.published", "data": {"course_key": "not a key"}})
    assert bad_key.status_code == 400 and bad_key.json()["field"] == "data.course_key"


@pytest.mark.django_db
def test_handlers_come_from_the_entry_point_group(client: Any, monkeypatch: Any) -> None:
    point = EntryPoint(
        name="test.ping", value="tests.webhooks.handlers_for_tests:on_ping", group=inbound.ENTRY_POINT_GROUP
    )
    broken = EntryPoint(
        name="test.broken", value="tests.webhooks.no_such_module:handler", group=inbound.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(
        inbound, "entry_points", lambda group: [point, broken] if group == inbound.ENTRY_POINT_GROUP else []
    )
    monkeypatch.setattr(inbound, "_entry_points_loaded", [False])
    handlers_for_tests.SEEN.clear()
    try:
        assert "test.ping" in inbound.handler_types() and "test.broken" not in inbound.handler_types()
        assert post(client, {"type": "test.ping", "data": {"via": "entry point"}}).json()["outcome"] == "pong"
        assert handlers_for_tests.SEEN[0][1] == {"via": "entry point"}
    finally:
        inbound.unregister("test.ping")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_course_publish_webhook_syncs_the_course(client: Any, settings: Any, tmp_path: Path) -> None:
    from hosts.standalone_platform import backend as standalone

    settings.VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS = 0
    standalone.publish_outline(outline(), send_signal=False)  # published on a platform that sends no event
    assert course_sync.list_sync_records(COURSE) == []
    with celery_worker(tmp_path) as worker:
        response = post(client, {"type": "course.published", "data": {"course_key": str(COURSE)}})
        assert response.status_code == 202 and response.json()["status"] == "accepted", response.content
        assert worker.wait_for(lambda: len(course_sync.list_sync_records(COURSE)) == 1), worker.log()
    record = course_sync.list_sync_records(COURSE)[0]
    assert record.trigger == course_sync.WEBHOOK_PUBLISH_TRIGGER and record.status == "applied"
    assert course_sync.get_outline_tree(COURSE)  # the mirror holds the course now


@pytest.mark.django_db
def test_the_receiver_has_its_own_throttle(client: Any, settings: Any, ping: list[Any], staff_user: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    rates = {"vault_user": None, "vault_staff": None, "vault_webhooks_inbound": "2/minute"}
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = rates
    answers = [post(client, {"type": "test.ping"}).status_code for _ in range(3)]
    assert answers == [202, 202, 429]
    client.force_login(staff_user)
    assert client.get("/api/ve-edu-vault/v1/webhooks/subscriptions/").status_code == 200  # other classes unaffected
