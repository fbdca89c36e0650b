"""
Signals course sync sends (plugin signals, not openedx-events); defined with the plugin's others in ``hooks.signals``.

COURSE_SYNCED: after a sync or undo commits, with ``course_key`` and ``sync_id``. Caches,
webhooks and other applets subscribe to it.
"""

from __future__ import annotations

from ve_edu_vault.hooks.signals import COURSE_SYNCED

__all__ = ["COURSE_SYNCED"]
