"""
The course sync diff engine: typed changes between the vault's mirror and a published outline.

TLDR: pure Python over the frozen data of ``course_sync.data``, no Django, so it is fast and
tested without a database. ``diff_outlines`` computes a ChangeSet; ``apply_change_set`` and
``invert_change_set`` are the reference semantics of applying and undoing one, which the change
processor reproduces on the database. ``generate`` (outline generator) is for tests and benches.
"""

from __future__ import annotations

from ve_edu_vault.course_sync.diff.engine import diff_outlines
from ve_edu_vault.course_sync.diff.replay import Mirror, ReplayConflict, apply_change_set, invert_change_set

__all__ = ["Mirror", "ReplayConflict", "apply_change_set", "diff_outlines", "invert_change_set"]
