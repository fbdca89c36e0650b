"""
The edx-platform backend for the Verawood release (and the releases it still matches).

TLDR: this module is the only place that imports edx-platform, and only inside functions, so the
plugin imports cleanly where edx-platform is absent. A platform release that changes one of these
imports gets a new module named after it, not an edit here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.course_sync.data import CourseOutline


def is_enrolled(user: Any, course_key: CourseKey) -> bool:
    from common.djangoapps.student.models import CourseEnrollment

    return bool(CourseEnrollment.is_enrolled(user, course_key))


def is_course_staff(user: Any, course_key: CourseKey) -> bool:
    from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

    return bool(CourseStaffRole(course_key).has_user(user) or CourseInstructorRole(course_key).has_user(user))


def get_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


def course_exists(course_key: CourseKey) -> bool:
    from xmodule.modulestore.django import modulestore

    return bool(modulestore().has_course(course_key))


def course_published_signal() -> Signal:
    from xmodule.modulestore.django import COURSE_PUBLISHED

    signal: Signal = COURSE_PUBLISHED
    return signal


def read_published_outline(course_key: CourseKey) -> CourseOutline:
    """
    Read the published branch, as edx-platform's own ``get_outline_from_modulestore`` does.

    The blocks are put in the Course Blocks API's shape and turned into an outline by the same
    code as the Blocks API source, so both sources agree. Usage keys are mapped back into the
    version-less course key (the published branch returns keys with version info attached).
    """
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


# The submissions API stores whole points; scores are reported in hundredths of a point so that a
# 2.5/4 attempt keeps its precision (the grades app weights by the block's own weight anyway).
_POINT_SCALE = 100
SCORE_ITEM_TYPE = "ve_edu_vault_assessment"


def report_score(
    user: Any, course_key: CourseKey, *, usage_key: str, earned: float, possible: float, graded_at: datetime
) -> None:
    """
    Report through edx-submissions, the path ORA and staff-graded blocks use (ADR 0003).

    ``set_score`` sends submissions' ``score_set`` signal; the LMS grades app turns it into
    PROBLEM_WEIGHTED_SCORE_CHANGED and recalculates the subsection and course grades. One
    submission per (learner, block) is reused, so a new report replaces the score (the latest score
    of a student item wins) and the history stays in the submissions tables.
    """
    from common.djangoapps.student.models import anonymous_id_for_user
    from submissions import api as submissions

    student_item = {
        "student_id": anonymous_id_for_user(user, course_key),
        "course_id": str(course_key),
        "item_id": usage_key,
        "item_type": SCORE_ITEM_TYPE,
    }
    existing = submissions.get_submissions(student_item, limit=1)
    if existing:
        submission_uuid = existing[0]["uuid"]
    else:
        answer = {"source": "ve_edu_vault", "graded_at": graded_at.isoformat()}
        submission_uuid = submissions.create_submission(student_item, answer)["uuid"]
    submissions.set_score(
        submission_uuid,
        round(earned * _POINT_SCALE),
        max(1, round(possible * _POINT_SCALE)),
    )


def course_tab_base_class() -> type:
    """edx-platform's ``CourseTab`` (``xmodule.tabs``), the base of course tab plugins (``openedx.course_tab``)."""
    from xmodule.tabs import CourseTab

    base: type = CourseTab
    return base
