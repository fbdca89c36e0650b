"""
Who and where a block is: its course and usage keys, and the Django user viewing it.

TLDR: in the LMS and Studio a block's usage id is an opaque ``UsageKey`` (branch and version stripped here, so
Studio's and the LMS's keys of one block agree). A runtime whose usage ids are plain strings (the XBlock SDK
workbench: ``scenario.block_type.d0.u0``) gets its blocks mapped into one stand-in course, ``WORKBENCH_COURSE``,
with the string as block id, so bindings are still stored by usage key. The viewer is the Django user the
runtime's ``user`` service names: ``edx-platform.user_id`` in edx-platform
(``common/djangoapps/xblock_django/constants.py``), the workbench's student id taken as a username elsewhere.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.platform import api as platform

__all__ = ["WORKBENCH_COURSE", "dom_prefix", "usage_key_of", "viewer_of"]

#: The course of blocks whose runtime has no opaque keys (the XBlock SDK workbench).
WORKBENCH_COURSE = CourseKey.from_string("course-v1:XBlockSDK+Workbench+run")

# edx-platform's XBlockUser attributes (common/djangoapps/xblock_django/constants.py).
ATTR_USER_ID = "edx-platform.user_id"
ATTR_USERNAME = "edx-platform.username"
ATTR_WORKBENCH_USER_ID = "xblock-workbench.user_id"


def usage_key_of(block: Any) -> UsageKey:
    """The block's usage key, without branch or version (a stand-in course's key in the workbench)."""
    usage_id = block.scope_ids.usage_id
    if isinstance(usage_id, UsageKey):
        key: Any = usage_id
        if hasattr(key, "for_branch"):  # a course block's BlockUsageLocator
            key = key.for_branch(None).version_agnostic()
        return key  # type: ignore[no-any-return]
    return WORKBENCH_COURSE.make_usage_key(block.scope_ids.block_type, str(usage_id))


def dom_prefix(block: Any) -> str:
    """A prefix for the ids of the block's markup, unique to the block (several blocks share a unit's page)."""
    return "vb" + hashlib.sha1(str(usage_key_of(block)).encode(), usedforsecurity=False).hexdigest()[:10] + "-"


def viewer_of(block: Any) -> Any | None:
    """The Django user the block's runtime is bound to, or None (anonymous, or no such user)."""
    service = block.runtime.service(block, "user")
    current = service.get_current_user() if service is not None else None
    attrs = getattr(current, "opt_attrs", None) or {}
    user_id = attrs.get(ATTR_USER_ID)
    if user_id is not None:
        return get_user_model().objects.filter(pk=user_id).first()
    username = attrs.get(ATTR_USERNAME) or attrs.get(ATTR_WORKBENCH_USER_ID)
    if not username:
        return None
    return platform.get_user(str(username))
