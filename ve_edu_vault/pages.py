"""
Helpers shared by the plugin's server-rendered pages (Studio authoring, LMS learner pages).

TLDR: a page takes the course key from its URL; a malformed key is the caller's 400 (None here), and
a user who is not course staff gets a 403 with the page's own message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.platform import api as platform

__all__ = ["course_key_or_none", "staff_course_or_none"]


def course_key_or_none(raw_key: str) -> CourseKey | None:
    """The course key in a URL, or None when it is not one."""
    try:
        return CourseKey.from_string(raw_key)
    except InvalidKeyError:
        return None


def staff_course_or_none(request: HttpRequest, raw_key: str, *, refusal: Any) -> CourseKey | None:
    """The course key when the user is its staff; None for a malformed key; PermissionDenied(refusal) otherwise."""
    key = course_key_or_none(raw_key)
    if key is not None and not platform.is_course_staff(request.user, key):
        raise PermissionDenied(refusal)
    return key
