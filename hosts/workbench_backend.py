"""
The platform backend of the XBlock SDK workbench (tests/xblock/): the standalone backend, except that a grade is
published by the vault assessment block itself, loaded in the workbench's runtime for the learner.

TLDR: the same path as the edx-platform backend in the LMS (load the block bound to the learner, then
``block.publish_grade``, which calls ``runtime.publish(block, "grade", ...)``), against a real XBlock runtime.
The workbench names students by a string (``?student=``): here it is the learner's username, and the block's
usage id is the block id of its stand-in usage key (``ve_edu_vault.xblock.keys.usage_key_of``).
"""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import UsageKey

from hosts.standalone_platform.backend import (  # noqa: F401 - the rest of the backend, as it is
    NAME,
    anonymous_ids,
    course_exists,
    course_published_signal,
    course_tab_base_class,
    create_user,
    enroll,
    get_user,
    grant_course_staff,
    is_course_staff,
    is_enrolled,
    read_published_outline,
    user_retirement_signals,
)


def publish_grade(user: Any, usage_key: UsageKey, *, value: float, max_value: float) -> None:
    from workbench.runtime import WorkbenchRuntime

    runtime = WorkbenchRuntime(user.get_username())
    block = runtime.get_block(usage_key.block_id)
    block.publish_grade(value=value, max_value=max_value)
