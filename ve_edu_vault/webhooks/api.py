"""
The webhooks applet's public API: subscriptions, deliveries for staff, and the worker's delivery loop.

TLDR: staff manage subscriptions (course or global) here; ``deliver_pending`` is what the Celery task runs: fan out
the outbox, then try every due delivery, recording each outcome. Nothing here runs inside a learner's request but
:func:`on_event_recorded` (one INSERT in the change's transaction) and :func:`trigger_delivery` (after commit, at
most once a second per process).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.hooks.signals import EVENT_TYPES, VaultEvent

from . import outbound, store
from .data import DeliveryData, OutgoingMessage, SubscriptionData
from .signing import new_secret
from .urlguard import BlockedURLError, check_url

__all__ = [
    "DeliveryData",
    "SubscriptionData",
    "create_subscription",
    "deliver_pending",
    "delivery_counts",
    "get_delivery",
    "get_subscription",
    "list_deliveries",
    "list_subscriptions",
    "on_event_recorded",
    "replay_delivery",
    "rotate_secret",
    "trigger_delivery",
    "update_subscription",
]

log = logging.getLogger(__name__)

TRIGGER_WINDOW_SECONDS = 1.0
BATCH_SIZE = 20
_last_trigger = [float("-inf")]


# --- the outbox ----------------------------------------------------------------------------------


def on_event_recorded(sender: Any, events: list[VaultEvent], **kwargs: Any) -> None:
    """Receiver of ``hooks.signals.EVENT_RECORDED``: the outbox row in the change's transaction; a kick after commit.

    No row when no active subscription can match any of the events (:func:`_none_can_match`)."""
    if not conf.webhooks_enabled() or _none_can_match(events):
        return
    store.add_events(events)
    transaction.on_commit(trigger_delivery)


#: The active subscriptions as of a gate version: ``(version, matchers, monotonic time checked)``, replaced whole.
_MATCHERS: list[tuple[int | None, list[tuple[str | None, tuple[str, ...]]], float]] = [(None, [], float("-inf"))]
MATCHERS_TTL_SECONDS = 60.0


def _may_match(events: list[VaultEvent], matchers: list[tuple[str | None, tuple[str, ...]]]) -> bool:
    return any(
        (course is None or course == event.course_key) and (not types or event.type in types)
        for event in events
        for course, types in matchers
    )


def _none_can_match(events: list[VaultEvent]) -> bool:
    """
    True only when no subscription active at this transaction's commit can match ``events``.

    The matchers are kept per process with the gate's version they were read at (``store``: a row every
    subscription change updates in its own transaction). A match per the cached matchers: write (no query; a
    subscription disabled since only costs a row the fan-out drops). Otherwise share-lock the gate: the same
    version means no change committed since the matchers were read and none can commit before this transaction
    does, so skipping is safe; another version means write this time and re-read the matchers after commit.
    """
    version, matchers, checked = _MATCHERS[0]
    if version is not None and time.monotonic() - checked < MATCHERS_TTL_SECONDS and _may_match(events, matchers):
        return False
    if not transaction.get_connection().in_atomic_block:
        return False  # no transaction to hold the gate until commit: write
    current = store.subscriptions_version_locked()
    if current is None or current != version:
        transaction.on_commit(_reload_matchers)
        return False
    _MATCHERS[0] = (version, matchers, time.monotonic())
    return not _may_match(events, matchers)


def forget_matchers(**kwargs: Any) -> None:
    """A subscription changed in this process: the next event consults the gate (other processes within
    ``MATCHERS_TTL_SECONDS``; until then they may write rows no subscription wants, which the fan-out drops)."""
    _MATCHERS[0] = (None, [], float("-inf"))


def _reload_matchers() -> None:
    """Read the gate (share-locked) and then the active subscriptions in one transaction: a consistent pair."""
    try:
        store.ensure_gate()
        with transaction.atomic():
            version = store.subscriptions_version_locked()
            matchers = store.subscription_matchers()
        _MATCHERS[0] = (version, matchers, time.monotonic())
    except Exception:  # the matchers only save rows; never fail the request that committed
        log.exception("Could not read the webhook subscriptions; events are written until the next read")


def trigger_delivery() -> None:
    """Queue the delivery task in ``TRIGGER_WINDOW_SECONDS`` unless this process did within that window (the beat
    runs it too, so a lost kick only delays)."""
    now = time.monotonic()
    if now - _last_trigger[0] < TRIGGER_WINDOW_SECONDS:
        return
    _last_trigger[0] = now
    try:
        from .tasks import deliver_webhooks

        deliver_webhooks.apply_async(countdown=TRIGGER_WINDOW_SECONDS)
    except Exception:
        log.warning("Could not queue the webhook delivery task; the periodic run will deliver the events")


# --- subscriptions -------------------------------------------------------------------------------


def _event_types(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("event_types must be a list of event type names."), field="event_types")
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(
            _("Unknown event types: {unknown}. Known: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(EVENT_TYPES)
            ),
            field="event_types",
        )
    return sorted(set(value))


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 2000:
        raise ValidationError(_("url must be an http(s) URL of at most 2,000 characters."), field="url")
    try:
        check_url(value)
    except BlockedURLError as exc:
        raise ValidationError(str(exc), field="url") from exc
    return value


def create_subscription(
    *,
    url: Any,
    course_key: CourseKey | None = None,
    event_types: Any = None,
    description: str = "",
    created_by: Any = None,
) -> tuple[SubscriptionData, str]:
    """A new active subscription and its secret (shown this once; rotate to get a new one); audited."""
    secret = new_secret()
    url, types = _url(url), _event_types(event_types)
    with transaction.atomic():
        data = store.create_subscription(
            url=url,
            course_key=course_key,
            event_types=types,
            description=(description or "")[:255],
            secret=secret,
            created_by_id=getattr(created_by, "pk", None),
        )
        _audit(audit.WEBHOOK_SUBSCRIPTION_CREATED, data, created_by, {"url": data.url, "event_types": types})
    return data, secret


def _audit(action: str, data: SubscriptionData, actor: Any, details: dict[str, Any]) -> None:
    """The audit entry of a staff action on a subscription (never its secret)."""
    audit.record(
        action,
        object_type="webhook_subscription",
        object_id=data.id,
        course_key=CourseKey.from_string(data.course_key) if data.course_key else None,
        actor=actor,
        details=details,
    )


def update_subscription(subscription_id: int, *, actor: Any = None, **changes: Any) -> SubscriptionData:
    """
    Change ``url``, ``event_types``, ``description`` or ``active`` (enabling again clears the failure count);
    audited with the fields changed and ``actor``, the staff member.
    """
    fields: dict[str, Any] = {}
    if "url" in changes:
        fields["url"] = _url(changes["url"])
    if "event_types" in changes:
        fields["event_types"] = _event_types(changes["event_types"])
    if "description" in changes:
        if not isinstance(changes["description"], str):
            raise ValidationError(_("description must be text."), field="description")
        fields["description"] = changes["description"][:255]
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise ValidationError(_("active must be true or false."), field="active")
        fields["active"] = changes["active"]
    with transaction.atomic():
        data = store.update_subscription(subscription_id, **fields)
        shown = {name: value for name, value in fields.items() if name != "description"}
        _audit(audit.WEBHOOK_SUBSCRIPTION_CHANGED, data, actor, {"fields": sorted(fields), **shown})
    return data


def rotate_secret(
    subscription_id: int, *, overlap_seconds: float | None = None, actor: Any = None
) -> tuple[SubscriptionData, str]:
    """A new secret; deliveries are signed with the old one too until the overlap ends. Audited (not the secret)."""
    overlap = conf.webhook_number("SECRET_OVERLAP_SECONDS") if overlap_seconds is None else overlap_seconds
    secret = new_secret()
    with transaction.atomic():
        data = store.rotate_secret(
            subscription_id, secret=secret, overlap_until=timezone.now() + timedelta(seconds=overlap)
        )
        _audit(audit.WEBHOOK_SECRET_ROTATED, data, actor, {"overlap_seconds": overlap})
    return data, secret


def get_subscription(subscription_id: int) -> SubscriptionData:
    return store.get_subscription(subscription_id)


def list_subscriptions(*, course_key: CourseKey | None = None) -> Sequence[SubscriptionData]:
    return store.list_subscriptions(course_key=course_key)


def list_deliveries(subscription_id: int, *, status: str | None = None) -> Sequence[DeliveryData]:
    if status not in (None, "", "pending", "succeeded", "failed"):
        raise ValidationError(_("status must be pending, succeeded or failed."), field="status")
    return store.list_deliveries(subscription_id, status=status or None)


def get_delivery(subscription_id: int, delivery_id: int) -> DeliveryData:
    return store.get_delivery(subscription_id, delivery_id)


def delivery_counts(subscription_id: int) -> dict[str, int]:
    return store.delivery_counts(subscription_id)


def replay_delivery(subscription_id: int, delivery_id: int, *, actor: Any = None) -> DeliveryData:
    """Send a delivery again (its message id unchanged, so receivers that saw it can ignore the repeat); audited."""
    with transaction.atomic():
        data = store.replay(subscription_id, delivery_id, now=timezone.now())
        _audit(
            audit.WEBHOOK_DELIVERY_REPLAYED, store.get_subscription(subscription_id), actor, {"delivery_id": data.id}
        )
        transaction.on_commit(trigger_delivery)
    return data


# --- the worker ----------------------------------------------------------------------------------


def deliver_pending(*, budget_seconds: float = 50.0, now: Any = None) -> dict[str, int]:
    """
    Fan the outbox out, then try every due delivery until none is due or the budget is spent.

    Returns counts: ``events`` fanned out, ``succeeded``, ``retrying``, ``failed`` (gave up), ``disabled``.
    """
    clock = now or timezone.now
    started = time.monotonic()
    counts = {"events": 0, "succeeded": 0, "retrying": 0, "failed": 0, "disabled": 0}
    timeout = conf.webhook_number("TIMEOUT_SECONDS")
    max_attempts = int(conf.webhook_number("MAX_ATTEMPTS"))
    disable_after = int(conf.webhook_number("DISABLE_AFTER_FAILURES"))
    base, cap = conf.webhook_number("RETRY_BASE_SECONDS"), conf.webhook_number("RETRY_MAX_SECONDS")
    with outbound.guarded_session() as session:
        while time.monotonic() - started < budget_seconds:
            dispatched = store.dispatch_events(now=clock(), limit=500)
            counts["events"] += dispatched
            messages = store.claim_due(now=clock(), limit=BATCH_SIZE, lease_seconds=BATCH_SIZE * 2 * timeout + 30)
            if not messages and not dispatched:
                break
            results = []
            for message in messages:
                outcome = outbound.send(message, at=clock(), timeout=timeout, session=session)
                tries = message.attempts + 1
                retry_at = None
                if not outcome.ok and tries < max_attempts:
                    retry_at = clock() + timedelta(seconds=outbound.retry_delay(tries, base=base, cap=cap))
                results.append((message, outcome, retry_at))
                _count(counts, message, outcome, retry_at, tries)
            for subscription in store.record_outcomes(results, now=clock(), disable_after=disable_after):
                counts["disabled"] += 1
                _notify_disabled(subscription)
    return counts


def _count(counts: dict[str, int], message: OutgoingMessage, outcome: Any, retry_at: Any, tries: int) -> None:
    if outcome.ok:
        counts["succeeded"] += 1
    elif retry_at is not None:
        counts["retrying"] += 1
        log.info("Webhook delivery %s failed (%s); retry %s", message.delivery_id, outcome.error, retry_at)
    else:
        counts["failed"] += 1
        log.warning("Webhook delivery %s gave up after %s tries: %s", message.delivery_id, tries, outcome.error)


def next_retry_at() -> datetime | None:
    return store.next_due_at()


def _notify_disabled(subscription: SubscriptionData) -> None:
    """A notice to staff: the log, the subscription's creator and the site's ADMINS by email."""
    log.warning(
        "Webhook subscription %s to %s disabled: %s", subscription.id, subscription.url, subscription.disabled_reason
    )
    subject = _("Webhook to {url} disabled").format(url=subscription.url)
    body = _(
        "The vault disabled webhook subscription {id} ({url}): {reason}\n"
        "Its deliveries wait. Fix the receiver, then enable the subscription again (Django admin or the REST API); "
        "failed deliveries can be replayed."
    ).format(id=subscription.id, url=subscription.url, reason=subscription.disabled_reason)
    try:
        email = store.subscription_creator_email(subscription.id)
        if email:
            send_mail(subject, body, getattr(settings, "DEFAULT_FROM_EMAIL", None), [email], fail_silently=True)
        mail_admins(subject, body, fail_silently=True)
    except Exception:  # the notice must not undo the record (it is in the log and on the subscription)
        log.exception("Could not email the notice of disabled webhook subscription %s", subscription.id)
