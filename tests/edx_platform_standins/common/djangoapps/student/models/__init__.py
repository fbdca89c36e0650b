"""
Stand-in of ``common/djangoapps/student/models/__init__.py`` (openedx-platform master).

Upstream, ``student.models`` is a package whose ``__init__`` re-exports ``course_enrollment`` and
``user``; callers import ``CourseEnrollment`` from here.
"""

from .course_enrollment import CourseEnrollment
from .user import anonymous_id_for_user

__all__ = ["CourseEnrollment", "anonymous_id_for_user"]
