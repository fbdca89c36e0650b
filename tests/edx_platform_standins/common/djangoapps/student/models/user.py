"""
Stand-in of ``common/djangoapps/student/models/user.py`` (openedx-platform master): ``anonymous_id_for_user``.

Upstream signature copied: ``anonymous_id_for_user(user, course_id)``. Upstream hashes the secret key, the user id
and the course id with md5 and stores the result in ``AnonymousUserId`` (returning a stored one first); here the
ids are kept in module state (reset with the other stand-ins) and every call is recorded in ``CALLS``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings

_IDS: dict[tuple[int, str], str] = {}
CALLS: list[tuple[int, str]] = []


def anonymous_id_for_user(user: Any, course_id: Any) -> str | None:
    if user.is_anonymous:
        return None
    CALLS.append((user.id, str(course_id)))
    key = (user.id, str(course_id))
    if key not in _IDS:
        hasher = hashlib.md5(usedforsecurity=False)
        hasher.update(settings.SECRET_KEY.encode("utf8"))
        hasher.update(str(user.id).encode("utf8"))
        if course_id:
            hasher.update(str(course_id).encode("utf-8"))
        _IDS[key] = hasher.hexdigest()
    return _IDS[key]


def reset() -> None:
    _IDS.clear()
    CALLS.clear()
