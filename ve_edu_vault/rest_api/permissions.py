"""
Permission classes that ask the platform adapter: enrolled learner, course staff, global staff.

The course is named by the view's ``course_key`` URL keyword (or ``get_course_key()`` on the view).
"""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import CourseKey
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.lti_launch import LaunchGrant


def _course_key(view: Any) -> CourseKey | None:
    getter = getattr(view, "get_course_key", None)
    if getter is not None:
        key: CourseKey | None = getter()
        return key
    raw = view.kwargs.get("course_key")
    if raw is None:
        return None
    from ve_edu_vault.rest_api.views import parse_course_key

    return parse_course_key(raw)


def _outside_launch(request: Request, course_key: CourseKey) -> bool:
    """A request authenticated by an LTI launch token may reach only the launch's course."""
    return isinstance(request.auth, LaunchGrant) and request.auth.course_key != str(course_key)


class IsGlobalStaff(BasePermission):
    message = "Only global staff may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.auth, LaunchGrant) and platform.is_global_staff(request.user)


class IsCourseStaff(BasePermission):
    """Course staff or instructor of the course in the URL (global staff included)."""

    message = "Only the course's staff may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        course_key = _course_key(view)
        if course_key is None or _outside_launch(request, course_key):
            return False
        return platform.is_course_staff(request.user, course_key)


class IsEnrolledOrCourseStaff(BasePermission):
    """A learner enrolled in the course in the URL, or its staff."""

    message = "You must be enrolled in this course."

    def has_permission(self, request: Request, view: Any) -> bool:
        course_key = _course_key(view)
        if course_key is None or _outside_launch(request, course_key):
            return False
        return platform.is_enrolled(request.user, course_key) or platform.is_course_staff(request.user, course_key)
