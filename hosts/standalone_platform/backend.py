"""
The standalone platform backend: the hosts' own small tables instead of edx-platform.

Used by the host projects, the demo and the tests (``VE_EDU_VAULT_PLATFORM_BACKEND =
"hosts.standalone_platform.backend"``). ``publish_outline`` plays Studio's publish: it stores the
outline as the course's published content and sends ``COURSE_PUBLISHED``, as the modulestore sends
``SignalHandler.course_published``. Every function of ``PlatformBackend`` is here; mypy checks it
(``hosts/standalone_platform/typecheck.py``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal

from hosts.standalone_platform.models import (
    StandaloneCourseRole,
    StandaloneEnrollment,
    StandaloneGrade,
    StandalonePublishedOutline,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opaque_keys.edx.keys import CourseKey, UsageKey

    from ve_edu_vault.course_sync.data import CourseOutline

NAME = "standalone"

# Stand-ins for the modulestore's SignalHandler.course_published and for the platform's retirement
# signals (openedx/core/djangoapps/user_api/accounts/signals.py), sent with the same arguments.
COURSE_PUBLISHED = Signal()
USER_RETIRE_LMS_CRITICAL = Signal()
USER_RETIRE_LMS_MISC = Signal()


def is_enrolled(user: Any, course_key: CourseKey) -> bool:
    return StandaloneEnrollment.objects.filter(user_id=user.pk, course_key=course_key, is_active=True).exists()


def is_course_staff(user: Any, course_key: CourseKey) -> bool:
    return StandaloneCourseRole.objects.filter(user_id=user.pk, course_key=course_key).exists()


def anonymous_ids(user_ids: Sequence[int], course_key: CourseKey) -> dict[int, str]:
    """As edx-platform's ``anonymous_id_for_user``: md5 of the secret key, the user id and the course key (no table)."""
    from django.conf import settings

    found = get_user_model().objects.filter(id__in=list(user_ids)).values_list("id", flat=True)
    return {
        user_id: hashlib.md5(f"{settings.SECRET_KEY}{user_id}{course_key}".encode(), usedforsecurity=False).hexdigest()
        for user_id in found
    }


def get_user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def course_exists(course_key: CourseKey) -> bool:
    return StandalonePublishedOutline.objects.filter(course_key=course_key).exists()


def course_published_signal() -> Signal:
    return COURSE_PUBLISHED


def user_retirement_signals() -> tuple[Signal, ...]:
    return (USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)


def read_published_outline(course_key: CourseKey) -> CourseOutline:
    from ve_edu_vault.course_sync.serialization import outline_from_dict
    from ve_edu_vault.errors import NotFoundError

    row = StandalonePublishedOutline.objects.filter(course_key=course_key).first()
    if row is None:
        raise NotFoundError(f"Course {course_key} has no published outline.")
    return outline_from_dict(row.outline)


def publish_grade(user: Any, usage_key: UsageKey, *, value: float, max_value: float) -> None:
    """The stand-in gradebook: one row per learner and block, the latest publication wins (as the LMS's
    courseware student module keeps a block's ``grade`` and ``max_grade``)."""
    from django.db.models import F
    from django.utils import timezone

    fields = {"course_key": usage_key.course_key, "earned": value, "possible": max_value, "graded_at": timezone.now()}
    rows = StandaloneGrade.objects.filter(user_id=user.pk, usage_key=str(usage_key))
    if not rows.update(publications=F("publications") + 1, **fields):
        StandaloneGrade.objects.create(user_id=user.pk, usage_key=str(usage_key), publications=1, **fields)


def course_tab_base_class() -> type:
    """The hosts have no tab framework: the part of ``CourseTab`` the vault's tab needs."""
    return StandaloneCourseTab


def enroll(user: Any, course_key: CourseKey) -> None:
    StandaloneEnrollment.objects.update_or_create(user=user, course_key=course_key, defaults={"is_active": True})


def create_user(username: str, *, email: str, name: str) -> Any:
    first, _space, last = name.partition(" ")
    return get_user_model().objects.create_user(
        username=username, email=email, password=None, first_name=first[:150], last_name=last[:150]
    )


def grant_course_staff(user: Any, course_key: CourseKey) -> None:
    StandaloneCourseRole.objects.get_or_create(user=user, course_key=course_key, role=StandaloneCourseRole.STAFF)


class StandaloneCourseTab:
    """The part of edx-platform's ``CourseTab`` interface (``xmodule/tabs.py``) the vault's tab needs."""

    type = ""
    title: str | None = None
    priority: int | None = None
    view_name: str | None = None
    is_hideable = False
    is_movable = False
    is_default = True
    is_dynamic = False
    allow_multiple = False
    course_staff_only = False

    def __init__(self, tab_dict: dict[str, Any]) -> None:
        self.name = tab_dict.get("name", self.title)
        self.tab_id = tab_dict.get("tab_id", self.type)
        self.course_staff_only = tab_dict.get("course_staff_only", False)
        self.is_hidden = tab_dict.get("is_hidden", False)
        self.tab_dict = tab_dict

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "course_staff_only": self.course_staff_only}


# Helpers for the hosts, the demo and the tests (not part of the backend interface).


def get_grade(user: Any, usage_key: UsageKey | str) -> StandaloneGrade | None:
    """What the stand-in gradebook holds."""
    return StandaloneGrade.objects.filter(user_id=user.pk, usage_key=str(usage_key)).first()


def unenroll(user: Any, course_key: CourseKey) -> None:
    StandaloneEnrollment.objects.filter(user=user, course_key=course_key).update(is_active=False)


def grant_course_role(user: Any, course_key: CourseKey, role: str = StandaloneCourseRole.STAFF) -> None:
    StandaloneCourseRole.objects.get_or_create(user=user, course_key=course_key, role=role)


def published_course_keys() -> list[str]:
    return [str(key) for key in StandalonePublishedOutline.objects.values_list("course_key", flat=True)]


def publish_outline(outline: CourseOutline, *, send_signal: bool = True) -> None:
    """Store ``outline`` as the course's published content, then send COURSE_PUBLISHED."""
    from ve_edu_vault.course_sync.serialization import outline_to_dict

    with transaction.atomic():
        StandalonePublishedOutline.objects.update_or_create(
            course_key=outline.course_key,
            defaults={
                "version": outline.version,
                "published_at": outline.published_at,
                "outline": outline_to_dict(outline),
            },
        )
    if send_signal:
        COURSE_PUBLISHED.send(sender=None, course_key=outline.course_key)


def retire_user(user: Any, *, retired_username: str = "", retired_email: str = "") -> None:
    """Play the platform's retirement (``AccountRetirementView`` / ``LMSAccountRetirementView``): send both signals."""
    USER_RETIRE_LMS_MISC.send(sender=None, user=user)
    USER_RETIRE_LMS_CRITICAL.send(
        sender=None, user=user, retired_username=retired_username, retired_email=retired_email
    )
