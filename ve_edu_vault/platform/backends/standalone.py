"""
The standalone platform backend: the plugin's own small tables instead of edx-platform.

Used by the host projects, the demo and the tests. ``publish_outline`` plays Studio's publish:
it stores the outline as the course's published content and sends COURSE_PUBLISHED.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction

from ve_edu_vault.platform.models import (
    StandaloneCourseRole,
    StandaloneEnrollment,
    StandaloneGrade,
    StandalonePublishedOutline,
)
from ve_edu_vault.platform.signals import COURSE_PUBLISHED

if TYPE_CHECKING:
    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey, UsageKey

    from ve_edu_vault.course_sync.data import CourseOutline


def is_enrolled(user: Any, course_key: CourseKey) -> bool:
    return StandaloneEnrollment.objects.filter(user_id=user.pk, course_key=course_key, is_active=True).exists()


def is_course_staff(user: Any, course_key: CourseKey) -> bool:
    return StandaloneCourseRole.objects.filter(user_id=user.pk, course_key=course_key).exists()


def get_user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def course_exists(course_key: CourseKey) -> bool:
    return StandalonePublishedOutline.objects.filter(course_key=course_key).exists()


def course_published_signal() -> Signal:
    return COURSE_PUBLISHED


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
    from django.utils import timezone

    StandaloneGrade.objects.update_or_create(
        user_id=user.pk,
        usage_key=str(usage_key),
        defaults={
            "course_key": usage_key.course_key,
            "earned": value,
            "possible": max_value,
            "graded_at": timezone.now(),
        },
    )


def get_grade(user: Any, usage_key: UsageKey | str) -> StandaloneGrade | None:
    """What the stand-in gradebook holds (for the hosts, the demo and the tests)."""
    return StandaloneGrade.objects.filter(user_id=user.pk, usage_key=str(usage_key)).first()


# Helpers for the hosts, the demo and the tests (not part of the backend interface).


def enroll(user: Any, course_key: CourseKey) -> None:
    StandaloneEnrollment.objects.update_or_create(user=user, course_key=course_key, defaults={"is_active": True})


def unenroll(user: Any, course_key: CourseKey) -> None:
    StandaloneEnrollment.objects.filter(user=user, course_key=course_key).update(is_active=False)


def grant_course_role(user: Any, course_key: CourseKey, role: str = StandaloneCourseRole.STAFF) -> None:
    StandaloneCourseRole.objects.get_or_create(user=user, course_key=course_key, role=role)


def publish_outline(outline: CourseOutline, *, send_signal: bool = True) -> None:
    """Store ``outline`` as the course's published content, then send COURSE_PUBLISHED on commit."""
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
