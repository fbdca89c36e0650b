"""
Stand-in of ``common/djangoapps/student/roles.py`` (openedx-platform master).

Upstream: ``CourseRole(role, course_key)`` stores ``org = course_key.org``; ``RoleBase.has_user(self, user,
check_user_activation=True)`` is False for an inactive or anonymous user when ``check_user_activation``;
``add_users(self, *users)`` silently skips anonymous and inactive users; ``CourseStaffRole.ROLE = 'staff'``,
``CourseInstructorRole.ROLE = 'instructor'``. The ``CourseAccessRole`` rows are a module set here.
"""

from __future__ import annotations

from typing import Any

# (user id, role, org, course key string)
_ACCESS_ROLES: set[tuple[int, str, str, str]] = set()


class AccessRole:
    """Object representing a role with particular access to a resource."""

    def has_user(self, user: Any) -> bool:
        raise NotImplementedError

    def add_users(self, *users: Any) -> None:
        raise NotImplementedError

    def remove_users(self, *users: Any) -> None:
        raise NotImplementedError


class GlobalStaff(AccessRole):
    """The global staff role."""

    def has_user(self, user: Any) -> bool:
        return bool(user and user.is_staff)


class RoleBase(AccessRole):
    """Roles by type (e.g., instructor, beta_user) and optionally org, course_key."""

    def __init__(self, role_name: str, org: str = "", course_key: Any = None) -> None:
        super().__init__()
        self.org = org
        self.course_key = course_key
        self._role_name = role_name

    def has_user(self, user: Any, check_user_activation: bool = True) -> bool:
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False
        return (user.id, self._role_name, self.org, str(self.course_key)) in _ACCESS_ROLES

    def add_users(self, *users: Any) -> None:
        for user in users:
            if user.is_authenticated and user.is_active:
                _ACCESS_ROLES.add((user.id, self._role_name, self.org, str(self.course_key)))

    def remove_users(self, *users: Any) -> None:
        for user in users:
            _ACCESS_ROLES.discard((user.id, self._role_name, self.org, str(self.course_key)))


class CourseRole(RoleBase):
    """A named role in a particular course."""

    def __init__(self, role: str, course_key: Any) -> None:
        super().__init__(role, course_key.org, course_key)


class CourseStaffRole(CourseRole):
    """A Staff member of a course."""

    ROLE = "staff"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(self.ROLE, *args, **kwargs)


class CourseInstructorRole(CourseRole):
    """A course Instructor."""

    ROLE = "instructor"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(self.ROLE, *args, **kwargs)


class CourseBetaTesterRole(CourseRole):
    """A course Beta Tester."""

    ROLE = "beta_testers"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(self.ROLE, *args, **kwargs)
