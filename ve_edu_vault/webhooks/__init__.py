"""
Webhooks: signed deliveries of the vault's events to other services, and a receiver for theirs.

TLDR: an event is written to the outbox (``WebhookEvent``) in the transaction of the change that caused it
(``hooks.signals.record_event``); a Celery task fans it out to the matching subscriptions and delivers each, signed as
the Standard Webhooks specification says, retried with backoff. Call ``webhooks.api``; tables are ``store.py``'s.
Decisions: docs/decisions/0019-webhooks-and-events.rst.
"""
