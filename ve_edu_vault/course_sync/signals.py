"""
Signals course sync sends (plugin signals, not openedx-events).

COURSE_SYNCED: after a sync or undo commits, with ``course_key`` and ``sync_id``. Caches,
webhooks and other applets subscribe to it.
"""

from __future__ import annotations

from django.dispatch import Signal

COURSE_SYNCED = Signal()
