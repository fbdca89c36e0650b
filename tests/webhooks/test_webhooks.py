"""Webhooks out, in process: subscriptions, the outbox, rotation, auto-disable, replay, blocked URLs, the REST API."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core import mail

from tests.webhooks.receiver import Receiver, verify
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.hooks.signals import record_event
from ve_edu_vault.webhooks import api
from ve_edu_vault.webhooks.models import WebhookDelivery, WebhookEvent
from ve_edu_vault.webhooks.outbound import retry_delay

pytestmark = pytest.mark.django_db(transaction=True)
COURSE = "course-v1:Hooks+H101+2026"
API = "/api/ve-edu-vault/v1/webhooks/subscriptions/"


@pytest.fixture
def receiver() -> Any:
    server = Receiver().start()
    yield server
    server.stop()


def _event(event_type: str = "course.synced", course: str = COURSE) -> None:
    record_event(event_type, course_key=course, data={"sync_id": 1})


def test_retry_delays_double_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(7)
    for attempts in range(1, 12):
        ceiling = min(60.0, 2.0 * 2 ** (attempts - 1))
        delays = [retry_delay(attempts, base=2.0, cap=60.0, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1  # jittered


def test_events_fan_out_to_matching_subscriptions_only(receiver: Receiver) -> None:
    everything, _ = api.create_subscription(url=receiver.url)
    course_only, _ = api.create_subscription(url=receiver.url, course_key=_key(COURSE), event_types=["course.synced"])
    graded_only, _ = api.create_subscription(url=receiver.url, event_types=["attempt.graded"])
    _event("course.synced")
    _event("course.synced", course="course-v1:Other+O1+2026")
    counts = api.deliver_pending()
    assert counts["events"] == 2 and counts["succeeded"] == 3
    assert len(api.list_deliveries(everything.id)) == 2
    assert len(api.list_deliveries(course_only.id)) == 1
    assert len(api.list_deliveries(graded_only.id)) == 0
    assert api.deliver_pending()["succeeded"] == 0  # each once


def _key(raw: str) -> Any:
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(raw)


def test_a_rotated_secret_signs_alongside_the_old_one_until_the_overlap_ends(receiver: Receiver) -> None:
    subscription, old = api.create_subscription(url=receiver.url)
    _data, new = api.rotate_secret(subscription.id, overlap_seconds=3600)
    _event()
    api.deliver_pending()
    first = receiver.received[-1]
    assert verify(old, first.headers, first.body) and verify(new, first.headers, first.body)
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    _data, newest = api.rotate_secret(subscription.id, overlap_seconds=0)
    _event()
    api.deliver_pending()
    second = receiver.received[-1]
    assert verify(newest, second.headers, second.body)
    assert not verify(new, second.headers, second.body) and not verify(old, second.headers, second.body)


def test_a_receiver_that_keeps_failing_is_disabled_with_a_notice(
    receiver: Receiver, settings: Any, make_user: Any
) -> None:
    settings.VE_EDU_VAULT_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS = 0.0
    settings.ADMINS = [("Ops", "ops@example.com")]
    receiver.default = 500
    owner = make_user("hookowner", is_staff=True)
    subscription, _ = api.create_subscription(url=receiver.url, created_by=owner)
    for _ in range(3):
        _event()
    counts = api.deliver_pending()
    assert counts["disabled"] == 1
    state = api.get_subscription(subscription.id)
    assert not state.active and "3 failed deliveries" in state.disabled_reason and "HTTP 500" in state.disabled_reason
    assert {tuple(message.to) for message in mail.outbox} == {("hookowner@example.com",), ("ops@example.com",)}
    before = len(receiver.received)
    _event()
    api.deliver_pending()
    assert len(receiver.received) == before  # disabled: nothing sent, nothing queued for it
    receiver.default = 200
    api.update_subscription(subscription.id, active=True)
    assert api.get_subscription(subscription.id).consecutive_failures == 0
    api.deliver_pending()
    assert len(receiver.received) > before  # the waiting deliveries go out again


def test_a_failed_delivery_is_replayed_with_its_message_id(receiver: Receiver, settings: Any) -> None:
    settings.VE_EDU_VAULT_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.answers = [500]
    subscription, secret = api.create_subscription(url=receiver.url)
    _event()
    api.deliver_pending()
    delivery = api.list_deliveries(subscription.id)[0]
    assert delivery.status == "failed" and delivery.response_status == 500 and delivery.attempts == 1
    assert delivery.response_body == "receiver says no"
    replayed = api.replay_delivery(subscription.id, delivery.id)
    assert replayed.status == "pending" and replayed.replays == 1
    api.deliver_pending()
    assert api.get_delivery(subscription.id, delivery.id).status == "succeeded"
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert verify(secret, receiver.received[1].headers, receiver.received[1].body)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://localhost/hook",
        "ftp://example.com/hook",
        "http://user:pw@example.com/hook",
        "not a url",
    ],
)
def test_private_and_odd_urls_are_refused_unless_allowed(url: str, settings: Any) -> None:
    settings.VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError) as error:
        api.create_subscription(url=url)
    assert error.value.field == "url"


def test_a_url_that_turns_private_later_is_not_delivered_to(receiver: Receiver, settings: Any) -> None:
    subscription, _ = api.create_subscription(url=receiver.url)
    settings.VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = []
    _event()
    api.deliver_pending()
    assert not receiver.received
    assert api.list_deliveries(subscription.id)[0].error.startswith("blocked:")


def test_the_outbox_follows_the_toggle(settings: Any) -> None:
    settings.VE_EDU_VAULT_WEBHOOKS_ENABLED = False
    _event()
    assert not WebhookEvent.objects.exists()


# --- REST ------------------------------------------------------------------------------------------


def test_staff_manage_subscriptions_and_see_deliveries(receiver: Receiver, staff_user: Any, jwt_client: Any) -> None:
    client = jwt_client(staff_user)
    created = client.post(
        API, {"url": receiver.url, "event_types": ["course.synced"], "course_key": COURSE}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["course_key"] == COURSE and body["active"] is True
    sid = body["id"]
    listed = client.get(API, {"course_key": COURSE}).json()
    assert listed["count"] == 1 and "secret" not in listed["results"][0]
    _event()
    api.deliver_pending()
    deliveries = client.get(f"{API}{sid}/deliveries/").json()
    assert deliveries["count"] == 1 and deliveries["results"][0]["status"] == "succeeded"
    delivery_id = deliveries["results"][0]["id"]
    assert client.get(f"{API}{sid}/deliveries/{delivery_id}/").json()["response_status"] == 200
    replay = client.post(f"{API}{sid}/deliveries/{delivery_id}/replay/")
    assert replay.status_code == 202 and replay.json()["status"] == "pending"
    rotated = client.post(f"{API}{sid}/rotate-secret/", {"overlap_seconds": 60}, format="json").json()
    assert rotated["secret"] != body["secret"] and rotated["previous_secret_expires"] is not None
    patched = client.patch(f"{API}{sid}/", {"active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["active"] is False
    bad = client.post(API, {"url": receiver.url, "event_types": ["nope"]}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "event_types"
    assert client.patch(f"{API}{sid}/", {"secret": "x"}, format="json").status_code == 400
    assert client.get(f"{API}999999/").status_code == 404


def test_learners_and_anonymous_users_get_nothing(make_user: Any, jwt_client: Any, client: Any) -> None:
    subscription, _ = api.create_subscription(url="http://127.0.0.1:9/hook")
    learner = jwt_client(make_user("plain"))
    for path in (API, f"{API}{subscription.id}/", f"{API}{subscription.id}/deliveries/"):
        assert learner.get(path).status_code == 403
        assert client.get(path).status_code == 401
    assert learner.post(API, {"url": "http://127.0.0.1:9/x"}, format="json").status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_the_admin_creates_subscriptions_with_a_secret_and_lists_deliveries(
    receiver: Receiver, make_user: Any, client: Any
) -> None:
    admin = make_user("hookadmin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    added = client.post(
        "/admin/ve_edu_vault/webhooksubscription/add/",
        {
            "url": receiver.url,
            "description": "ops",
            "course_key": "",
            "event_types": '["course.synced"]',
            "active": "on",
        },
        follow=True,
    )
    assert added.status_code == 200
    (subscription,) = api.list_subscriptions()
    assert subscription.event_types == ("course.synced",) and subscription.url == receiver.url
    assert "whsec_" in added.content.decode()  # the secret, shown once in the message
    refused = client.post(
        "/admin/ve_edu_vault/webhooksubscription/add/",
        {"url": "http://10.0.0.1/x", "course_key": "", "event_types": "[]", "active": "on"},
    )
    assert refused.status_code == 200 and len(api.list_subscriptions()) == 1  # the form shows the error
    _event()
    api.deliver_pending()
    assert client.get("/admin/ve_edu_vault/webhookdelivery/").status_code == 200


def test_a_name_that_rebinds_after_the_check_is_not_connected_to(settings: Any, monkeypatch: Any) -> None:
    """DNS rebinding: the name answers an allowed address to the checks, then a refused one; the connection goes to
    the address that was checked (one resolution per connection), never to the one the name turned into."""
    import socket

    settings.VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]  # 127.0.0.1 is refused
    good = Receiver(host="127.0.0.2").start()
    attacker = Receiver(host="127.0.0.1", port=good.port).start()
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        answers.append("127.0.0.2" if len(answers) < 2 else "127.0.0.1")  # allowed twice, then private
        return real(answers[-1], port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        subscription, _ = api.create_subscription(url=f"http://rebind.test:{good.port}/hook")
        _event()
        api.deliver_pending()
        assert not attacker.received
        assert len(good.received) == 1
        assert api.list_deliveries(subscription.id)[0].status == "succeeded"
        assert answers == ["127.0.0.2", "127.0.0.2"]  # the subscription's check, then the delivery's one
        _event()
        api.deliver_pending()  # the name now answers 127.0.0.1: refused at connection time, nothing sent there
        assert not attacker.received and len(good.received) == 1
        assert api.list_deliveries(subscription.id)[0].error.startswith("blocked:")
    finally:
        good.stop()
        attacker.stop()
