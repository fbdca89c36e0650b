"""
Every staff action on webhooks, exports and the LTI tool's admin leaves an audit entry naming who did what (never a
secret): subscriptions created, changed, disabled, enabled, rotated and replayed through REST and the admin; export
jobs, streamed exports and the export command; AGS retries and hand edits in the admin. A refused action leaves none.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform import backend as standalone
from tests.webhooks.receiver import Receiver
from ve_edu_vault.audit import api as audit
from ve_edu_vault.audit.models import AuditEntry
from ve_edu_vault.hooks.signals import record_event
from ve_edu_vault.webhooks import api as webhooks
from ve_edu_vault.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

API = "/api/ve-edu-vault/v1/"
HOOKS = f"{API}webhooks/subscriptions/"
COURSE = "course-v1:Audit+A1+2026"


@pytest.fixture
def receiver() -> Any:
    server = Receiver().start()
    yield server
    server.stop()


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_webhook_staff_actions_through_rest_are_audited_without_secrets(
    receiver: Receiver, staff_user: Any, jwt_client: Any
) -> None:
    client = jwt_client(staff_user)
    created = client.post(HOOKS, {"url": receiver.url, "course_key": COURSE}, format="json").json()
    sid = created["id"]
    (made,) = entries(audit.WEBHOOK_SUBSCRIPTION_CREATED)
    assert (made.actor_id, made.object_type, made.object_id) == (staff_user.pk, "webhook_subscription", str(sid))
    assert made.course_key == CourseKey.from_string(COURSE) and made.details["url"] == receiver.url

    assert client.patch(f"{HOOKS}{sid}/", {"active": False}, format="json").status_code == 200
    (disabled,) = entries(audit.WEBHOOK_SUBSCRIPTION_CHANGED)
    assert disabled.actor_id == staff_user.pk and disabled.details == {"fields": ["active"], "active": False}

    rotated = client.post(f"{HOOKS}{sid}/rotate-secret/", {"overlap_seconds": 60}, format="json").json()
    (rotation,) = entries(audit.WEBHOOK_SECRET_ROTATED)
    assert rotation.actor_id == staff_user.pk and rotation.details == {"overlap_seconds": 60.0}

    client.patch(f"{HOOKS}{sid}/", {"active": True}, format="json")
    record_event("course.synced", course_key=COURSE, data={"sync_id": 1})
    webhooks.deliver_pending()
    delivery = WebhookDelivery.objects.get(subscription_id=sid)
    assert client.post(f"{HOOKS}{sid}/deliveries/{delivery.pk}/replay/").status_code == 202
    (replay,) = entries(audit.WEBHOOK_DELIVERY_REPLAYED)
    assert replay.actor_id == staff_user.pk and replay.details == {"delivery_id": delivery.pk}

    text = str(list(AuditEntry.objects.values_list("details", flat=True)))
    assert created["secret"] not in text and rotated["secret"] not in text
    # A refused change (a blocked URL) writes nothing.
    count = AuditEntry.objects.count()
    assert client.patch(f"{HOOKS}{sid}/", {"url": "http://169.254.169.254/"}, format="json").status_code == 400
    assert AuditEntry.objects.count() == count


def test_webhook_admin_actions_and_hand_edits_are_audited(
    receiver: Receiver, admin_client: Any, admin_user: Any
) -> None:
    added = admin_client.post(
        "/admin/ve_edu_vault/webhooksubscription/add/",
        {"url": receiver.url, "description": "ops", "course_key": "", "event_types": "[]", "active": "on"},
    )
    assert added.status_code == 302, added.content[:2000]
    row = WebhookSubscription.objects.get()
    (hand,) = entries(audit.ADMIN_CHANGE)
    assert (hand.actor_id, hand.object_type, hand.object_id) == (admin_user.pk, "webhooksubscription", str(row.pk))
    assert hand.details["verb"] == "added" and row.secret not in str(hand.details)

    url = "/admin/ve_edu_vault/webhooksubscription/"
    admin_client.post(url, {"action": "rotate_secrets", "_selected_action": [row.pk]})
    admin_client.post(url, {"action": "enable", "_selected_action": [row.pk]})
    assert [entry.actor_id for entry in entries(audit.WEBHOOK_SECRET_ROTATED)] == [admin_user.pk]
    assert [entry.details for entry in entries(audit.WEBHOOK_SUBSCRIPTION_CHANGED)] == [
        {"fields": ["active"], "active": True}
    ]
    record_event("course.synced", course_key=None, data={"sync_id": 2})
    webhooks.deliver_pending()
    delivery = WebhookDelivery.objects.get(subscription=row)
    admin_client.post("/admin/ve_edu_vault/webhookdelivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert [entry.actor_id for entry in entries(audit.WEBHOOK_DELIVERY_REPLAYED)] == [admin_user.pk]


def _staff(make_user: Any) -> Any:
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, CourseKey.from_string(COURSE))
    return teacher


def test_export_jobs_streamed_exports_and_the_command_are_audited(
    make_user: Any, jwt_client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    teacher = _staff(make_user)
    client = jwt_client(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(f"{API}courses/{COURSE}/export-jobs/", {"kind": "attempts"}, format="json")
    assert queued.status_code == 202, queued.content
    (job,) = entries(audit.EXPORT_STARTED)
    assert (job.actor_id, job.object_type, job.object_id) == (teacher.pk, "export_job", str(queued.json()["id"]))
    assert job.details["kind"] == "attempts" and job.details["mode"] == "job"

    streamed = client.get(f"{API}courses/{COURSE}/exports/responses/")
    assert streamed.status_code == 200
    b"".join(streamed.streaming_content)
    stream = entries(audit.EXPORT_STARTED)[1]
    assert stream.actor_id == teacher.pk and stream.details["mode"] == "stream" and stream.details["usernames"] is False

    call_command("vault_export", "attempts", "--course", COURSE, stdout=io.StringIO(), stderr=io.StringIO())
    command = entries(audit.EXPORT_STARTED)[2]
    assert command.actor_id is None and command.details["mode"] == "command"

    # A learner's refused export writes nothing.
    learner = jwt_client(make_user("learner"))
    assert learner.get(f"{API}courses/{COURSE}/exports/responses/").status_code == 403
    assert len(entries(audit.EXPORT_STARTED)) == 3


def test_the_staff_area_lists_no_secret_and_audit_reads_by_course(make_user: Any) -> None:
    """``audit.api.list_entries`` reads one course's entries: the exports of another course are not in them."""
    teacher = _staff(make_user)
    from ve_edu_vault.analytics import api as analytics

    analytics.audit_export(
        analytics.export_request("attempts", CourseKey.from_string(COURSE), user=teacher), user=teacher, mode="stream"
    )
    other = CourseKey.from_string("course-v1:Audit+Other+2026")
    assert [entry.action for entry in audit.list_entries(CourseKey.from_string(COURSE))] == [audit.EXPORT_STARTED]
    assert audit.list_entries(other) == []
