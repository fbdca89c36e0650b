"""
Stand-in of ``common/djangoapps/student/models/course_enrollment.py`` (openedx-platform master).

Upstream signatures copied: ``CourseEnrollment.is_enrolled(cls, user, course_key)``,
``CourseEnrollment.enroll(cls, user, course_key, mode=None, check_access=False, can_upgrade=False,
enterprise_uuid=None)`` and ``CourseEnrollment.unenroll(cls, user, course_id, skip_refund=False)``.
Upstream ``enroll`` raises ``NonExistentCourseError`` for a course without a ``CourseOverview``; here a
course exists when the stand-in modulestore has it.
"""

from __future__ import annotations

from typing import Any

DEFAULT_MODE_SLUG = "audit"  # common/djangoapps/course_modes/models.py: CourseMode.DEFAULT_MODE_SLUG

# (user id, course key string) -> (mode, is_active)
_ENROLLMENTS: dict[tuple[int, str], tuple[str, bool]] = {}


class NonExistentCourseError(Exception):
    """Upstream: ``common/djangoapps/student/models/course_enrollment.py``."""


class CourseEnrollment:
    """The enrollment rows of the stand-in platform (module state, reset by the test fixture)."""

    def __init__(self, user: Any, course_id: Any, mode: str, is_active: bool) -> None:
        self.user = user
        self.course_id = course_id
        self.mode = mode
        self.is_active = is_active

    @classmethod
    def is_enrolled(cls, user: Any, course_key: Any) -> bool:
        """Returns True if the user is enrolled in the course (the entry must exist and be active)."""
        mode_active = _ENROLLMENTS.get((user.id, str(course_key)))
        return bool(mode_active and mode_active[1])

    @classmethod
    def enroll(
        cls,
        user: Any,
        course_key: Any,
        mode: str | None = None,
        check_access: bool = False,
        can_upgrade: bool = False,
        enterprise_uuid: Any = None,
    ) -> CourseEnrollment:
        """Enroll a user in a course. This saves immediately. Returns a CourseEnrollment object."""
        from xmodule.modulestore.django import modulestore

        if not modulestore().has_course(course_key):
            raise NonExistentCourseError
        mode = mode or DEFAULT_MODE_SLUG
        _ENROLLMENTS[(user.id, str(course_key))] = (mode, True)
        return cls(user, course_key, mode, True)

    @classmethod
    def unenroll(cls, user: Any, course_id: Any, skip_refund: bool = False) -> None:
        key = (user.id, str(course_id))
        if key in _ENROLLMENTS:
            _ENROLLMENTS[key] = (_ENROLLMENTS[key][0], False)
