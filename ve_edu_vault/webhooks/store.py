"""
The webhooks applet's one door to its tables (ORM by design); everything else calls this module.

TLDR: the outbox write (:func:`add_events`) is one INSERT in the caller's transaction. Work for the worker is claimed
in short transactions (``SKIP LOCKED`` where the database has it) and a claimed delivery is leased (its
``next_attempt_at`` pushed past the try's longest duration), so no HTTP request runs inside a transaction and a
worker that dies mid-try leaves the delivery to be tried again when the lease ends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, overload

from django.db import connection, transaction
from django.db.models import F, QuerySet
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.hooks.signals import VaultEvent
from ve_edu_vault.prepared_queries import insert_rows

from .data import AttemptOutcome, DeliveryData, OutgoingMessage, SigningKeys, SubscriptionData
from .models import (
    InboundWebhookMessage,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    WebhookSubscriptionsVersion,
)

RESPONSE_BODY_CHARS = 2000


def add_events(events: list[VaultEvent]) -> None:
    """The outbox rows of a change's events: one INSERT, in the caller's transaction.

    Written through :func:`~ve_edu_vault.prepared_queries.insert_rows` (the statement built once per connection, each
    value adapted by its field, as ``bulk_create`` adapts them): every submission writes its events here, and
    ``bulk_create`` spent about a millisecond of Python under the profiler on the one statement (ADR 0029).
    A course key is given as its string: the field parses it (an invalid one raises ``InvalidKeyError`` as
    ``CourseKey.from_string`` does) once per distinct key of the statement, not once per event."""
    insert_rows(
        WebhookEvent,
        [
            {
                "event_id": event.id,
                "event_type": event.type,
                "course_key": event.course_key,
                "data": event.data,
                "occurred_at": event.occurred_at,
                "dispatched_at": None,
            }
            for event in events
        ],
    )


# --- the outbox's gate ----------------------------------------------------------------------------


def bump_subscriptions_version(**kwargs: Any) -> None:
    """``post_save``/``post_delete`` of a subscription (the admin's and the API's writes alike): the gate's row,
    taken exclusively until the change's transaction ends (``models.WebhookSubscriptionsVersion``)."""
    if not WebhookSubscriptionsVersion.objects.filter(pk=1).update(version=F("version") + 1):
        WebhookSubscriptionsVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def ensure_gate() -> None:
    """The gate's row (migration 0023 makes it; a flushed or restored table may lack it)."""
    from django.db import IntegrityError

    if not WebhookSubscriptionsVersion.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                WebhookSubscriptionsVersion.objects.create(pk=1)
        except IntegrityError:
            pass  # another process made it


def connect_version_bumps(forget: Any) -> None:
    """Whoever writes a subscription (admin, API, shell), its transaction moves the gate; ``forget`` drops this
    process's cached matchers."""
    from django.db.models.signals import post_delete, post_save

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(bump_subscriptions_version, sender=WebhookSubscription, dispatch_uid=f"vault-webhooks-{name}")
        signal.connect(forget, sender=WebhookSubscription, dispatch_uid=f"vault-webhooks-forget-{name}")


def subscriptions_version_locked() -> int | None:
    """The gate's version, share-locked until the caller's transaction ends (None: no row, never skip).

    Django's ORM has no shared lock (``select_for_update`` is exclusive and would serialize every submission):
    ``FOR SHARE`` on PostgreSQL, ``LOCK IN SHARE MODE`` on MariaDB/MySQL; SQLite has one writer at a time."""
    table = connection.ops.quote_name(WebhookSubscriptionsVersion._meta.db_table)
    lock = {"postgresql": " FOR SHARE", "mysql": " LOCK IN SHARE MODE"}.get(connection.vendor, "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1{lock}")  # noqa: S608 - no input in it
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def subscription_matchers() -> list[tuple[str | None, tuple[str, ...]]]:
    """``(course_key or None, event_types)`` of every active subscription (empty types: every type)."""
    return [
        (None if course is None else str(course), tuple(types or ()))
        for course, types in WebhookSubscription.objects.filter(active=True).values_list("course_key", "event_types")
    ]


# --- subscriptions -------------------------------------------------------------------------------


def _subscription(row: WebhookSubscription) -> SubscriptionData:
    return SubscriptionData(
        id=row.pk,
        url=row.url,
        description=row.description,
        course_key=None if row.course_key is None else str(row.course_key),
        event_types=tuple(row.event_types or ()),
        active=row.active,
        consecutive_failures=row.consecutive_failures,
        disabled_at=row.disabled_at,
        disabled_reason=row.disabled_reason,
        previous_secret_expires=row.previous_secret_expires,
        created=row.created,
    )


def _row(subscription_id: int, *, lock: bool = False) -> WebhookSubscription:
    rows = WebhookSubscription.objects.select_for_update() if lock else WebhookSubscription.objects.all()
    row = rows.filter(pk=subscription_id).first()
    if row is None:
        raise NotFoundError(f"No webhook subscription {subscription_id}.")
    return row


def create_subscription(
    *,
    url: str,
    course_key: CourseKey | None,
    event_types: list[str],
    description: str,
    secret: str,
    created_by_id: int | None,
) -> SubscriptionData:
    row = WebhookSubscription.objects.create(
        url=url,
        course_key=course_key,
        event_types=event_types,
        description=description,
        secret=secret,
        created_by_id=created_by_id,
    )
    return _subscription(row)


def get_subscription(subscription_id: int) -> SubscriptionData:
    return _subscription(_row(subscription_id))


def subscription_creator_email(subscription_id: int) -> str:
    row = WebhookSubscription.objects.select_related("created_by").filter(pk=subscription_id).first()
    return (getattr(row.created_by, "email", "") or "") if row is not None and row.created_by else ""


def update_subscription(subscription_id: int, **fields: Any) -> SubscriptionData:
    with transaction.atomic():
        row = _row(subscription_id, lock=True)
        if fields.get("active") is True and not row.active:
            fields.update(consecutive_failures=0, disabled_at=None, disabled_reason="")
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        return _subscription(row)


def rotate_secret(subscription_id: int, *, secret: str, overlap_until: datetime) -> SubscriptionData:
    with transaction.atomic():
        row = _row(subscription_id, lock=True)
        row.previous_secret, row.previous_secret_expires, row.secret = row.secret, overlap_until, secret
        row.save(update_fields=["previous_secret", "previous_secret_expires", "secret", "modified"])
        return _subscription(row)


def subscription_secret(subscription_id: int) -> str:
    return _row(subscription_id).secret


def signing_keys(subscription_id: int, *, now: datetime) -> SigningKeys:
    row = _row(subscription_id)
    keys = [row.secret]
    if row.previous_secret and row.previous_secret_expires is not None and row.previous_secret_expires > now:
        keys.append(row.previous_secret)
    return SigningKeys(url=row.url, secrets=tuple(keys), active=row.active)


class _Page(Sequence[Any]):
    """A lazy list for DRF's paginator: ``count()`` and slices run on the database (one COUNT, one page)."""

    def __init__(self, rows: QuerySet[Any], convert: Any) -> None:
        self._rows, self._convert = rows, convert

    def count(self, value: Any = None) -> int:  # type: ignore[override]
        return self._rows.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._convert(row) for row in self._rows[index]]
        return self._convert(self._rows[index])


def list_subscriptions(*, course_key: CourseKey | None = None) -> Sequence[SubscriptionData]:
    rows = WebhookSubscription.objects.order_by("-pk")
    if course_key is not None:
        rows = rows.filter(course_key=course_key)
    return _Page(rows, _subscription)


# --- fan-out ---------------------------------------------------------------------------------------


def _skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def _of_self() -> dict[str, Any]:
    """Lock only the delivery rows, where the database can say so (PostgreSQL; not MariaDB)."""
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


def dispatch_events(*, now: datetime, limit: int) -> int:
    """Give each undispatched event (oldest first, at most ``limit``) a delivery per matching active subscription."""
    with transaction.atomic():
        events = list(
            WebhookEvent.objects.filter(dispatched_at__isnull=True)
            .select_for_update(skip_locked=_skip_locked())
            .order_by("pk")
            .values_list("pk", "event_type", "course_key")[:limit]
        )
        if not events:
            return 0
        subscriptions = list(
            WebhookSubscription.objects.filter(active=True).values_list("pk", "course_key", "event_types")
        )
        deliveries = [
            WebhookDelivery(event_id=pk, subscription_id=sub_id, next_attempt_at=now)
            for pk, event_type, course_key in events
            for sub_id, sub_course, types in subscriptions
            if (sub_course is None or sub_course == course_key) and (not types or event_type in types)
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
        WebhookEvent.objects.filter(pk__in=[pk for pk, _type, _course in events]).update(dispatched_at=now)
        return len(events)


def body_of(event_id: str, event_type: str, course_key: Any, data: dict[str, Any], occurred_at: datetime) -> bytes:
    """The JSON body of an event (the same bytes on every try): Standard Webhooks' ``type``, ``timestamp``, ``data``."""
    payload = {
        "type": event_type,
        "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {"event_id": event_id, "course_key": None if course_key is None else str(course_key), **data},
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


def claim_due(*, now: datetime, limit: int, lease_seconds: float) -> list[OutgoingMessage]:
    """Pending deliveries due by ``now`` to active subscriptions, leased to this worker."""
    with transaction.atomic():
        rows = list(
            WebhookDelivery.objects.filter(
                status=WebhookDelivery.PENDING, next_attempt_at__lte=now, subscription__active=True
            )
            .select_for_update(skip_locked=_skip_locked(), **_of_self())
            .select_related("event", "subscription")
            .order_by("next_attempt_at", "pk")[:limit]
        )
        if not rows:
            return []
        WebhookDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=now + timedelta(seconds=lease_seconds)
        )
    messages = []
    for row in rows:
        event, sub = row.event, row.subscription
        keys = [sub.secret]
        if sub.previous_secret and sub.previous_secret_expires is not None and sub.previous_secret_expires > now:
            keys.append(sub.previous_secret)
        messages.append(
            OutgoingMessage(
                delivery_id=row.pk,
                subscription_id=sub.pk,
                message_id=event.event_id,
                url=sub.url,
                body=body_of(event.event_id, event.event_type, event.course_key, event.data, event.occurred_at),
                secrets=tuple(keys),
                attempts=row.attempts,
            )
        )
    return messages


def next_due_at() -> datetime | None:
    row = (
        WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING, subscription__active=True)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row


def pending_events() -> int:
    return WebhookEvent.objects.filter(dispatched_at__isnull=True).count()


_OUTCOME_FIELDS = (
    "attempts",
    "last_attempt_at",
    "response_status",
    "response_body",
    "error",
    "delivered_at",
    "status",
    "next_attempt_at",
)


def record_outcomes(
    results: list[tuple[OutgoingMessage, AttemptOutcome, datetime | None]],
    *,
    now: datetime,
    disable_after: int,
) -> list[SubscriptionData]:
    """
    Store the outcomes of a batch of tries in one transaction: success, a retry at the given time, or given up.

    Each subscription's count of failures in a row follows the batch's order (a success resets it). Returns the
    subscriptions these failures disabled (``disable_after`` in a row), for the notice.
    """
    rows = []
    streaks: dict[int, tuple[bool, int]] = {}  # subscription id -> (a success seen, failures since)
    for message, outcome, retry_at in results:
        row = WebhookDelivery(
            pk=message.delivery_id,
            attempts=message.attempts + 1,
            last_attempt_at=now,
            response_status=outcome.status,
            response_body=outcome.body[:RESPONSE_BODY_CHARS],
            error=outcome.error[:RESPONSE_BODY_CHARS],
            delivered_at=now if outcome.ok else None,
        )
        if outcome.ok:
            row.status, row.next_attempt_at = WebhookDelivery.SUCCEEDED, now
            streaks[message.subscription_id] = (True, 0)
        else:
            row.status = WebhookDelivery.PENDING if retry_at is not None else WebhookDelivery.FAILED
            row.next_attempt_at = retry_at or now
            reset, failures = streaks.get(message.subscription_id, (False, 0))
            streaks[message.subscription_id] = (reset, failures + 1)
        rows.append(row)
    last_error = {m.subscription_id: (o.error or f"HTTP {o.status}") for m, o, _r in results if not o.ok}
    disabled: list[SubscriptionData] = []
    with transaction.atomic():
        for row in rows:  # plain UPDATEs in one transaction: cheaper than bulk_update's CASE for each column
            WebhookDelivery.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in _OUTCOME_FIELDS})
        for subscription_id, (reset, failures) in streaks.items():
            subscriptions = WebhookSubscription.objects.filter(pk=subscription_id)
            if reset:
                subscriptions.update(consecutive_failures=failures)
            elif failures:
                subscriptions.update(consecutive_failures=F("consecutive_failures") + failures)
            if failures and subscriptions.filter(active=True, consecutive_failures__gte=disable_after).update(
                active=False,
                disabled_at=now,
                disabled_reason=f"Disabled after {disable_after} failed deliveries in a row; last: "
                + last_error.get(subscription_id, "")[:500],
            ):
                bump_subscriptions_version()  # one receiver fewer: the outbox may skip more (other processes' caches
                # of the matchers learn it within api.MATCHERS_TTL_SECONDS)
                disabled.append(_subscription(subscriptions.get()))
    return disabled


# --- deliveries for staff ------------------------------------------------------------------------


def _delivery(row: WebhookDelivery) -> DeliveryData:
    event = row.event
    return DeliveryData(
        id=row.pk,
        subscription_id=row.subscription_id,
        event_id=event.event_id,
        event_type=event.event_type,
        course_key=None if event.course_key is None else str(event.course_key),
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == WebhookDelivery.PENDING else None,
        last_attempt_at=row.last_attempt_at,
        delivered_at=row.delivered_at,
        response_status=row.response_status,
        response_body=row.response_body,
        error=row.error,
        replays=row.replays,
        created=row.created,
    )


def list_deliveries(subscription_id: int, *, status: str | None = None) -> Sequence[DeliveryData]:
    _row(subscription_id)
    rows = WebhookDelivery.objects.filter(subscription_id=subscription_id).select_related("event").order_by("-pk")
    if status:
        rows = rows.filter(status=status)
    return _Page(rows, _delivery)


def get_delivery(subscription_id: int, delivery_id: int) -> DeliveryData:
    row = (
        WebhookDelivery.objects.select_related("event").filter(pk=delivery_id, subscription_id=subscription_id).first()
    )
    if row is None:
        raise NotFoundError(f"No delivery {delivery_id} of this subscription.")
    return _delivery(row)


def replay(subscription_id: int, delivery_id: int, *, now: datetime) -> DeliveryData:
    """Queue the delivery again (same message id: receivers see a repeat, not a new event); tries start afresh."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery_id, subscription_id=subscription_id).update(
            status=WebhookDelivery.PENDING, attempts=0, next_attempt_at=now, replays=F("replays") + 1
        )
        if not updated:
            raise NotFoundError(f"No delivery {delivery_id} of this subscription.")
    return get_delivery(subscription_id, delivery_id)


def delivery_counts(subscription_id: int) -> dict[str, int]:
    rows = WebhookDelivery.objects.filter(subscription_id=subscription_id)
    return {
        status: rows.filter(status=status).count()
        for status in (WebhookDelivery.PENDING, WebhookDelivery.SUCCEEDED, WebhookDelivery.FAILED)
    }


def events_for(*, event_type: str | None = None) -> list[dict[str, Any]]:
    """Outbox rows as plain data (tests and the admin's read-only view)."""
    rows = WebhookEvent.objects.order_by("pk")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [dict(row) for row in rows.values("event_id", "event_type", "course_key", "data", "dispatched_at")]


# --- inbound -------------------------------------------------------------------------------------


def remember_inbound(message_id: str, event_type: str) -> bool:
    """Record a message id; False when it was seen before (a replay)."""
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            InboundWebhookMessage.objects.create(message_id=message_id[:255], event_type=event_type[:128])
    except IntegrityError:
        return False
    return True


def set_inbound_outcome(message_id: str, outcome: str) -> None:
    InboundWebhookMessage.objects.filter(message_id=message_id[:255]).update(outcome=outcome[:2000])


def forget_inbound_before(cutoff: datetime) -> int:
    deleted, _ = InboundWebhookMessage.objects.filter(received_at__lt=cutoff).delete()
    return deleted
