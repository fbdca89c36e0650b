"""
Facade over the configured platform backend: enrollments, course roles, users, the modulestore, grades.

TLDR: every caller in the plugin uses these functions, and nothing else reaches a backend module
(the course tab and the demo included). Which backend answers is a setting; the backend is typed as
``PlatformBackend`` (``backends/base.py``), which mypy checks each backend module against.
"""

from __future__ import annotations

import math
from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from django.core.signals import setting_changed
from django.dispatch import receiver

from ve_edu_vault import conf
from ve_edu_vault.platform.rest_clients import LmsApiError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey, UsageKey

    from ve_edu_vault.course_sync.data import CourseOutline
    from ve_edu_vault.platform.backends.base import PlatformBackend

__all__ = [
    "LmsApiError",
    "anonymous_ids",
    "backend_name",
    "course_exists",
    "course_published_signal",
    "course_tab_base_class",
    "create_user",
    "enroll",
    "get_user",
    "grant_course_staff",
    "is_course_staff",
    "is_enrolled",
    "is_global_staff",
    "lms_enrollments_client",
    "publish_grade",
    "read_published_outline",
    "user_retirement_signals",
]

_backend: PlatformBackend | None = None


def _get_backend() -> PlatformBackend:
    """The backend module named by VE_EDU_VAULT_PLATFORM_BACKEND (imported once)."""
    global _backend
    if _backend is None:
        _backend = cast("PlatformBackend", import_module(conf.platform_backend_path()))
    return _backend


@receiver(setting_changed)
def _reset_backend(*, setting: str, **kwargs: Any) -> None:
    global _backend
    if setting == "VE_EDU_VAULT_PLATFORM_BACKEND":
        _backend = None


def backend_name() -> str:
    """The backend's ``NAME`` ("edx_platform", "standalone"), or its module's last name."""
    module = _get_backend()
    return str(getattr(module, "NAME", None) or getattr(module, "__name__", "?").rsplit(".", 1)[-1])


def lms_enrollments_client() -> Any:
    """
    An ``EnrollmentsClient`` of the LMS's Enrollment API, or None when the LMS's REST API is not configured.

    No platform backend lists a course's enrollments (edx-platform's are read per learner in-process); a vault
    that runs out of the LMS, or an operator who wants the list, reads it over REST with the same LMS URL and
    OAuth2 application as the Course Blocks source (``VE_EDU_VAULT_BLOCKS_API_URL``, ``..._CLIENT_ID``,
    ``..._CLIENT_SECRET``; the application's user must be global staff, as the Enrollment API requires).
    """
    url = conf.get("VE_EDU_VAULT_BLOCKS_API_URL")
    client_id = conf.get("VE_EDU_VAULT_BLOCKS_API_CLIENT_ID")
    secret = conf.get("VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET")
    if not (url and client_id and secret):
        return None
    from ve_edu_vault.platform.rest_clients import EnrollmentsClient

    return EnrollmentsClient(str(url), str(client_id), str(secret))


def is_global_staff(user: Any) -> bool:
    """Global staff (``is_staff``) may act in every course, as in the LMS."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def is_enrolled(user: Any, course_key: CourseKey) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_get_backend().is_enrolled(user, course_key))


def is_course_staff(user: Any, course_key: CourseKey) -> bool:
    """Course staff or instructor of the course, or global staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_global_staff(user) or bool(_get_backend().is_course_staff(user, course_key))


def get_user(username: str) -> Any:
    return _get_backend().get_user(username)


def anonymous_ids(user_ids: Iterable[int], course_key: CourseKey) -> dict[int, str]:
    """``{user id: the platform's anonymous id of the user in the course}`` (exports name learners by these)."""
    ids = sorted(set(user_ids))
    return _get_backend().anonymous_ids(ids, course_key) if ids else {}


def course_exists(course_key: CourseKey) -> bool:
    return bool(_get_backend().course_exists(course_key))


def course_published_signal() -> Signal:
    """The Django signal sent after a course is published (the modulestore's ``SignalHandler.course_published``)."""
    return _get_backend().course_published_signal()


def user_retirement_signals() -> Sequence[Signal]:
    """The platform's learner-retirement signals (``USER_RETIRE_LMS_CRITICAL``, ``USER_RETIRE_LMS_MISC``)."""
    return tuple(_get_backend().user_retirement_signals())


def read_published_outline(course_key: CourseKey) -> CourseOutline:
    """The published outline of a course, read from the platform's content store."""
    return _get_backend().read_published_outline(course_key)


def course_tab_base_class() -> type:
    """The base class of course tab plugins: edx-platform's ``xmodule.tabs.CourseTab``, or the hosts' stand-in."""
    return _get_backend().course_tab_base_class()


def enroll(user: Any, course_key: CourseKey) -> None:
    """Enroll a user in a course through the platform (the demo data uses it)."""
    _get_backend().enroll(user, course_key)


def grant_course_staff(user: Any, course_key: CourseKey) -> None:
    """Make a user staff of a course through the platform (the demo data uses it)."""
    _get_backend().grant_course_staff(user, course_key)


def create_user(username: str, *, email: str, name: str) -> Any:
    """Create an account with an unusable password (LTI users, first launch); the platform adds its profile."""
    return _get_backend().create_user(username, email=email, name=name)


def publish_grade(user: Any, usage_key: UsageKey, *, value: float, max_value: float) -> None:
    """
    Publish a learner's grade on a vault assessment block, as the block's own XBlock ``grade`` event.

    ``value`` and ``max_value`` are raw points (floats, unscaled); the LMS stores them for the learner and
    block (the courseware student module) and weights them by the block's ``weight``. A later publication
    replaces an earlier one. Called after the vault's grade is committed (the outbox of ``assessments/grades.py``),
    outside a request; it may raise what the platform raises, and the caller retries.
    See docs/decisions/0003-grades-to-the-platform.rst.
    """
    if not (max_value > 0) or not (value >= 0) or math.isinf(max_value):
        raise ValueError(f"Cannot publish {value}/{max_value}: max_value must be positive and value not negative.")
    _get_backend().publish_grade(user, usage_key, value=float(min(value, max_value)), max_value=float(max_value))
