"""
The edx-platform backend for the Verawood release (and the releases it still matches).

TLDR: this module is the only place that imports edx-platform, and only inside functions, so the
plugin imports cleanly where edx-platform is absent. A platform release that changes one of these
imports gets a new module named after it, not an edit here.

Every name imported here was read in openedx-platform (master, 2026) at the path in the comment
next to it; tests/edx_platform_standins/ holds stand-ins with the same module paths and
signatures, against which tests/platform/test_edx_platform_backend.py runs this module for real.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey, UsageKey

    from ve_edu_vault.course_sync.data import CourseOutline


NAME = "edx_platform"


def is_enrolled(user: Any, course_key: CourseKey) -> bool:
    # common/djangoapps/student/models/course_enrollment.py: CourseEnrollment.is_enrolled(cls, user, course_key)
    from common.djangoapps.student.models import CourseEnrollment

    return bool(CourseEnrollment.is_enrolled(user, course_key))


def is_course_staff(user: Any, course_key: CourseKey) -> bool:
    # common/djangoapps/student/roles.py: CourseStaffRole(course_key).has_user(user, check_user_activation=True)
    from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

    return bool(CourseStaffRole(course_key).has_user(user) or CourseInstructorRole(course_key).has_user(user))


def anonymous_ids(user_ids: Sequence[int], course_key: CourseKey) -> dict[int, str]:
    # common/djangoapps/student/models/user.py: anonymous_id_for_user(user, course_id) -> str, the course-specific id
    # the platform's own research exports and XBlocks use (read from, or created in, the AnonymousUserId table).
    from common.djangoapps.student.models import anonymous_id_for_user
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(id__in=list(user_ids))
    return {user.id: str(anonymous_id_for_user(user, course_key)) for user in users}


def get_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


def course_exists(course_key: CourseKey) -> bool:
    # xmodule/modulestore/mixed.py: MixedModuleStore.has_course(course_id, ignore_case=False, **kwargs)
    from xmodule.modulestore.django import modulestore

    return bool(modulestore().has_course(course_key))


def course_published_signal() -> Signal:
    """
    ``SignalHandler.course_published`` (xmodule/modulestore/django.py), as edx-platform's own receivers use it.

    Not the module-level ``COURSE_PUBLISHED``: that alias is made at run time by
    ``globals().update(...)`` and exists for old callers only. The modulestore sends the signal with
    ``sender=<modulestore class>`` and ``course_key=<course key without branch>`` after a publish's bulk
    operation ends (xmodule/modulestore/__init__.py, ``send_bulk_published_signal``).
    """
    from xmodule.modulestore.django import SignalHandler

    signal: Signal = SignalHandler.course_published
    return signal


def user_retirement_signals() -> Sequence[Signal]:
    """
    The platform's retirement signals (openedx/core/djangoapps/user_api/accounts/signals.py).

    ``USER_RETIRE_LMS_MISC`` is sent by ``LMSAccountRetirementView`` (``retire_misc``) with ``user``;
    ``USER_RETIRE_LMS_CRITICAL`` by ``AccountRetirementView`` (``retire``) with ``user``,
    ``retired_username`` and ``retired_email``, before the user's username and email are replaced
    (openedx/core/djangoapps/user_api/accounts/views.py).
    """
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC

    return (USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)


def enroll(user: Any, course_key: CourseKey) -> None:
    """
    ``CourseEnrollment.enroll`` (common/djangoapps/student/models/course_enrollment.py).

    Signature upstream: ``enroll(cls, user, course_key, mode=None, check_access=False, can_upgrade=False,
    enterprise_uuid=None)``; the course's default mode is used.
    """
    from common.djangoapps.student.models import CourseEnrollment

    CourseEnrollment.enroll(user, course_key)


def grant_course_staff(user: Any, course_key: CourseKey) -> None:
    """``CourseStaffRole(course_key).add_users(user)`` (common/djangoapps/student/roles.py)."""
    from common.djangoapps.student.roles import CourseStaffRole

    CourseStaffRole(course_key).add_users(user)


def create_user(username: str, *, email: str, name: str) -> Any:
    """
    An account with an unusable password and its profile, as edx-platform's LTI provider creates one
    (lms/djangoapps/lti_provider/users.py: ``User.objects.create_user`` then ``UserProfile(user=..., name=...)``).
    """
    from common.djangoapps.student.models import UserProfile
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, email=email, password=None)
    UserProfile.objects.create(user=user, name=name)
    return user


def read_published_outline(course_key: CourseKey) -> CourseOutline:
    """
    Read the published branch, as edx-platform's own ``get_outline_from_modulestore`` does.

    The blocks are put in the Course Blocks API's shape and turned into an outline by the same
    code as the Blocks API source, so both sources agree. Usage keys are mapped back into the
    version-less course key (the published branch returns keys with version info attached).
    """
    # xmodule/modulestore/__init__.py: ModuleStoreEnum.Branch.published_only; xmodule/modulestore/mixed.py:
    # branch_setting(branch_setting, course_id=None) and get_course(course_key, depth=0, **kwargs).
    from xmodule.modulestore import ModuleStoreEnum
    from xmodule.modulestore.django import modulestore

    from ve_edu_vault.course_sync.sources.blocks_tree import outline_from_blocks
    from ve_edu_vault.errors import NotFoundError

    store = modulestore()
    blocks: dict[str, dict[str, Any]] = {}

    def visit(block: Any) -> str:
        key = str(block.location.map_into_course(course_key))
        children = block.get_children() if getattr(block, "has_children", False) else []
        blocks[key] = {
            "id": key,
            "type": block.location.block_type,
            "display_name": block.display_name_with_default,
            "graded": bool(getattr(block, "graded", False)),
            "format": getattr(block, "format", None),
            "start": block.start.isoformat() if getattr(block, "start", None) else None,
            "due": block.due.isoformat() if getattr(block, "due", None) else None,
            "visible_to_staff_only": bool(getattr(block, "visible_to_staff_only", False)),
            "hide_after_due": bool(getattr(block, "hide_after_due", False)),
            "children": [visit(child) for child in children],
        }
        blocks[key] = {name: value for name, value in blocks[key].items() if value is not None}
        return key

    with store.branch_setting(ModuleStoreEnum.Branch.published_only, course_key):
        course = store.get_course(course_key, depth=None)
        if course is None:
            raise NotFoundError(f"Course {course_key} does not exist in the modulestore.")
        root = visit(course)
        outline = outline_from_blocks(course_key, root, blocks)
        published_at = course.subtree_edited_on.replace(tzinfo=UTC) if course.subtree_edited_on else None
        return replace(outline, version=str(course.course_version), published_at=published_at)


def _ignore_event(event_type: str, event: dict[str, Any]) -> None:
    """The tracking function of a block loaded outside a request (a grade event never reaches it)."""


def publish_grade(user: Any, usage_key: UsageKey, *, value: float, max_value: float) -> None:
    """
    Publish as the vault assessment block itself, loaded for the learner outside a request.

    As lti-consumer-xblock publishes grades that arrive asynchronously (``lti_consumer/plugin/compat.py``:
    ``load_block_as_user``; ``lti_xblock.py``: ``set_user_module_score`` then ``runtime.publish(block, "grade",
    ...)``), and as ``lms/djangoapps/courseware/block_render.py``'s ``load_single_xblock`` loads a block for a
    user id: the block from the modulestore, a ``FieldDataCache`` for the learner, then
    ``get_block_for_descriptor``, which prepares the runtime for that learner (its ``publish`` service is
    ``xmodule/services.py``'s ``EventPublishingService(user, ...)``) and checks the learner may load it (None
    if not: raised, so the outbox retries and staff see the error). The block's ``grade`` event then goes
    where every scorable block's goes: ``EventPublishingService._handle_grade_event`` sends the grades app's
    ``SCORE_PUBLISHED`` with the learner, ``raw_earned=value`` and ``raw_possible=max_value``;
    ``lms/djangoapps/grades/signals/handlers.py``'s ``score_published_handler`` stores them in the courseware
    student module (``set_score``) and recalculates the subsection and course grade (weighted by the block's
    ``weight``). ``crum.impersonate`` gives the loading code the learner as current user, as
    ``compat._load_block_as_anonymous_user`` does for the anonymous one (outside a request there is none).
    """
    from crum import impersonate
    from lms.djangoapps.courseware.block_render import get_block_for_descriptor
    from lms.djangoapps.courseware.model_data import FieldDataCache
    from xmodule.modulestore.django import modulestore

    course_key = usage_key.course_key
    with impersonate(user):
        descriptor = modulestore().get_item(usage_key)
        field_data_cache = FieldDataCache.cache_for_block_descendents(course_key, user, descriptor, depth=0)
        block = get_block_for_descriptor(
            user=user,
            request=None,
            block=descriptor,
            field_data_cache=field_data_cache,
            course_key=course_key,
            track_function=_ignore_event,
            request_token="",
        )
        if block is None:
            raise PermissionError(f"User {user.pk} may not load {usage_key}; its grade cannot be published.")
        block.publish_grade(value=value, max_value=max_value)


def course_tab_base_class() -> type:
    """edx-platform's ``CourseTab`` (``xmodule.tabs``), the base of course tab plugins (``openedx.course_tab``)."""
    from xmodule.tabs import CourseTab

    base: type = CourseTab
    return base
