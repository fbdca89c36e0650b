"""
Celery task of webhooks: deliver what the outbox holds and what is due for a retry.

TLDR: ``deliver_webhooks`` is queued after a commit that recorded events (at most once a second per process), by
itself at the next retry time, and by the beat schedule every minute (so a lost message only delays). Runs overlap
safely: deliveries are claimed with ``SKIP LOCKED`` and leased.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

__all__ = ["deliver_webhooks"]

#: Retries further away than this are left to the beat schedule.
FOLLOW_UP_MAX_SECONDS = 300


@shared_task(name="ve_edu_vault.webhooks.tasks.deliver_webhooks", acks_late=True)
def deliver_webhooks() -> dict[str, int]:
    from ve_edu_vault.webhooks import api, inbound

    counts = api.deliver_pending()
    inbound.forget_old_messages()
    due = api.next_retry_at()
    if due is not None:
        wait = max((due - timezone.now()).total_seconds(), 0.0)
        # One follow-up per due time, whichever run sees it first (a cache key per millisecond).
        if wait <= FOLLOW_UP_MAX_SECONDS and cache.add(
            f"ve_edu_vault:webhooks:follow-up:{int(due.timestamp() * 1000)}", 1, 600
        ):
            deliver_webhooks.apply_async(countdown=wait + 0.05)
            log.info("Webhook retries due at %s: delivery run queued", due)
    if any(counts.values()):
        log.info("Webhook deliveries: %s", counts)
    return counts
