"""Stand-in of openedx-platform ``lms/djangoapps/courseware/model_data.py``: ``FieldDataCache``."""

from __future__ import annotations

from typing import Any


class FieldDataCache:
    """Upstream caches a user's student-module rows for blocks; here it only records what it was built for."""

    def __init__(self, blocks: list[Any], course_id: Any, user: Any, **kwargs: Any) -> None:
        self.blocks, self.course_id, self.user = blocks, course_id, user

    @classmethod
    def cache_for_block_descendents(
        cls,
        course_id: Any,
        user: Any,
        block: Any,
        depth: int | None = 0,
        select_for_update: bool = False,
        asides: Any = None,
        read_only: bool = False,
    ) -> FieldDataCache:
        return cls([block], course_id, user)
