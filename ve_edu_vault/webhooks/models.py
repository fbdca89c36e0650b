"""
Tables of webhooks: subscriptions, the event outbox, deliveries, and inbound messages seen.

TLDR: private to the webhooks applet; only ``store.py`` queries them. A ``WebhookEvent`` is written in the transaction
of the change (the outbox: it commits or rolls back with it); the worker fans each out to one ``WebhookDelivery`` per
matching subscription (unique per event and subscription, so a fan-out repeated after a crash adds nothing). A
delivery is the record staff see: status, tries, the last response. Rows are kept (staff replay them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey


class WebhookSubscription(models.Model):
    """
    A receiver URL and the events it wants, for one course or (no course) for all.

    .. no_pii: a URL, a secret and the events; ``created_by`` is the staff member who made it (audit).
    """

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=255, blank=True)
    course_key: CourseKeyField[CourseKey | None, CourseKey | None] = CourseKeyField(
        max_length=255, null=True, blank=True, db_index=True
    )
    event_types = models.JSONField(default=list, blank=True)  # empty: every event type
    secret = models.CharField(max_length=128)  # "whsec_" + base64, as the Standard Webhooks libraries read it
    previous_secret = models.CharField(max_length=128, blank=True)
    previous_secret_expires = models.DateTimeField(null=True, blank=True)  # both sign until then (rotation)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"webhook {self.pk} to {self.url}"


class WebhookEvent(models.Model):
    """
    One event in the outbox; ``dispatched_at`` is set once its deliveries exist.

    .. no_pii: event facts (ids of attempts and learners, scores); learner ids are numeric ids only.
    """

    event_id = models.CharField(max_length=64, unique=True)  # the webhook-id header: the receivers' idempotency key
    event_type = models.CharField(max_length=64)
    course_key: CourseKeyField[CourseKey | None, CourseKey | None] = CourseKeyField(
        max_length=255, null=True, blank=True
    )
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookDelivery(models.Model):
    """
    One event to one subscription: tried until a 2xx, or given up after the last try (staff may replay it).

    .. no_pii: the receiver's status code and the start of its answer.
    """

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [(PENDING, "Pending"), (SUCCEEDED, "Succeeded"), (FAILED, "Failed (gave up)")]

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the first 2,000 characters
    error = models.TextField(blank=True)
    replays = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="ve_edu_vault_webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="ve_edu_vault_webhook_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class InboundWebhookMessage(models.Model):
    """
    A signed message the receiver accepted (its id, for replay protection), and what its handler did.

    .. no_pii: a sender's message id, its type and the handler's outcome.
    """

    message_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=128)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.TextField(blank=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"inbound {self.event_type} {self.message_id}"


class WebhookSubscriptionsVersion(models.Model):
    """
    One row (``pk=1``): bumped in the transaction of every change to subscriptions; the outbox's gate.

    A transaction that records events with no matching subscription share-locks this row and compares its version
    with the one its cached matcher was built at; a subscription change takes the row exclusively until it commits.
    So either the change committed before (the versions differ: the matcher is rebuilt and the event written) or
    it commits after the event's transaction (the subscription did not exist when the event committed).

    .. no_pii: a counter.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"webhook subscriptions version {self.version}"
