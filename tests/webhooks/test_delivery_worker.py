"""
Webhooks out, end to end: a real Celery worker on Redis delivers to a real HTTP receiver on localhost.

Signatures are checked with ``receiver.verify`` (written from the specification, not the library that signs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tests.assessments.api_builders import learner, make_assessment, right_answers
from tests.celery_worker import celery_worker
from tests.webhooks.receiver import Receiver, verify
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.webhooks import api
from ve_edu_vault.webhooks.models import WebhookDelivery, WebhookEvent

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

FAST_RETRIES = {"VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS": "0.5"}


def _graded_attempt(make_user: Any, assessment_id: int, name: str) -> int:
    student = learner(make_user, name)
    view = assessments.start_attempt(assessment_id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=student)
    return view.id


def test_a_graded_attempt_reaches_the_receiver_signed(make_user: Any, tmp_path: Path) -> None:
    receiver = Receiver().start()
    try:
        subscription, secret = api.create_subscription(
            url=receiver.url, event_types=["attempt.submitted", "attempt.graded"]
        )
        assessment = make_assessment()
        with celery_worker(tmp_path) as worker:
            attempt_id = _graded_attempt(make_user, assessment.id, "ada")
            assert receiver.wait_for(lambda: len(receiver.received) >= 2), worker.log()
        assert {item.json["type"] for item in receiver.received} == {"attempt.submitted", "attempt.graded"}
        graded = receiver.of_type("attempt.graded")[0]
        assert verify(secret, graded.headers, graded.body)
        assert not verify(api.rotate_secret(subscription.id)[1], graded.headers, graded.body)  # another key fails
        assert graded.json["data"]["attempt_id"] == attempt_id
        assert graded.json["data"]["score"] == pytest.approx(1.0) and graded.json["data"]["passed"] is True
        assert graded.headers["webhook-id"] == graded.json["data"]["event_id"]
        deliveries = list(api.list_deliveries(subscription.id))
        assert {d.status for d in deliveries} == {"succeeded"} and {d.response_status for d in deliveries} == {200}
        assert WebhookEvent.objects.filter(event_type="course.synced").exists()  # recorded, not subscribed to
        assert WebhookDelivery.objects.count() == 2
    finally:
        receiver.stop()


def test_failures_are_retried_and_nothing_is_lost_while_the_receiver_is_down(make_user: Any, tmp_path: Path) -> None:
    receiver = Receiver(answers=[500, 503]).start()
    port = receiver.port
    try:
        _subscription, secret = api.create_subscription(url=receiver.url, event_types=["attempt.graded"])
        assessment = make_assessment()
        with celery_worker(tmp_path, extra_env=FAST_RETRIES) as worker:
            _graded_attempt(make_user, assessment.id, "first")
            # Two failures (500, 503), then a success: three requests with one message id.
            assert receiver.wait_for(lambda: len(receiver.received) >= 3, timeout=60), worker.log()
            assert len({item.headers["webhook-id"] for item in receiver.received}) == 1
            assert all(verify(secret, item.headers, item.body) for item in receiver.received)
            first = WebhookDelivery.objects.get()
            assert receiver.wait_for(lambda: WebhookDelivery.objects.get(pk=first.pk).status == "succeeded")
            assert WebhookDelivery.objects.get(pk=first.pk).attempts == 3

            receiver.stop()  # down: connections refused
            ids = [_graded_attempt(make_user, assessment.id, f"while-down-{n}") for n in range(3)]
            assert receiver.wait_for(
                lambda: WebhookDelivery.objects.filter(status="pending", attempts__gte=2).count() == 3, timeout=60
            ), worker.log()
            back = Receiver(port=port).start()  # up again on the same address
            try:
                assert back.wait_for(lambda: len({i.json["data"]["attempt_id"] for i in back.received}) == 3, 90), (
                    worker.log()
                )
                assert {item.json["data"]["attempt_id"] for item in back.received} == set(ids)
                assert back.wait_for(lambda: WebhookDelivery.objects.filter(status="succeeded").count() == 4)
            finally:
                back.stop()
        errors = list(WebhookDelivery.objects.exclude(pk=first.pk).values_list("error", flat=True))
        assert all(error == "" for error in errors)  # the last try's outcome is kept: a success
    finally:
        receiver.stop()


def test_a_rolled_back_change_sends_nothing(make_user: Any, tmp_path: Path) -> None:
    receiver = Receiver().start()
    try:
        api.create_subscription(url=receiver.url, event_types=["attempt.graded"])
        assessment = make_assessment()
        student = learner(make_user, "undone")
        view = assessments.start_attempt(assessment.id, student)
        assessments.save_answers(view.id, user=student, answers=right_answers(view))
        with celery_worker(tmp_path) as worker:
            with pytest.raises(RuntimeError), transaction.atomic():
                assessments.submit_attempt(view.id, user=student)
                assert WebhookEvent.objects.filter(event_type="attempt.graded").count() == 1  # in the transaction
                raise RuntimeError("the change fails after grading")
            assert not WebhookEvent.objects.filter(event_type="attempt.graded").exists()
            later = _graded_attempt(make_user, assessment.id, "committed")  # a committed one, after
            assert receiver.wait_for(lambda: len(receiver.received) >= 1), worker.log()
            assert worker.wait_for(lambda: worker.succeeded("ve_edu_vault.webhooks.tasks.deliver_webhooks") >= 1)
        assert [item.json["data"]["attempt_id"] for item in receiver.received] == [later]
    finally:
        receiver.stop()
