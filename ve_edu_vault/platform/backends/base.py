"""
What every platform backend module provides.

A backend is a module (not a class) so that an edx-platform release is one new file with plain
functions; ``PlatformBackend`` is the structural type mypy checks the modules against (a module
assigned to a ``PlatformBackend`` variable must define every function with a compatible signature:
``backends/typecheck.py`` for the edx-platform backends, ``hosts/standalone_platform/typecheck.py``
for the hosts' backend). Only ``platform/api.py`` calls a backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey, UsageKey

    from ve_edu_vault.course_sync.data import CourseOutline

    AnyUser = AbstractBaseUser | AnonymousUser


class PlatformBackend(Protocol):
    """The functions a backend module defines."""

    def is_enrolled(self, user: AnyUser, course_key: CourseKey) -> bool: ...

    def is_course_staff(self, user: AnyUser, course_key: CourseKey) -> bool: ...

    def get_user(self, username: str) -> Any: ...

    def course_published_signal(self) -> Signal: ...

    def user_retirement_signals(self) -> Sequence[Signal]:
        """``(USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)``, in this order."""
        ...

    def read_published_outline(self, course_key: CourseKey) -> CourseOutline: ...

    def course_exists(self, course_key: CourseKey) -> bool: ...

    def course_tab_base_class(self) -> type: ...

    def enroll(self, user: AnyUser, course_key: CourseKey) -> None: ...

    def grant_course_staff(self, user: AnyUser, course_key: CourseKey) -> None: ...

    def create_user(self, username: str, *, email: str, name: str) -> Any: ...

    def publish_grade(self, user: AnyUser, usage_key: UsageKey, *, value: float, max_value: float) -> None: ...

    def anonymous_ids(self, user_ids: Sequence[int], course_key: CourseKey) -> dict[int, str]:
        """The platform's course-specific anonymous user id of each existing user among ``user_ids``."""
        ...
