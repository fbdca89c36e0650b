"""
Stand-in of openedx-platform ``lms/djangoapps/courseware/block_render.py``: ``get_block_for_descriptor``.

Same signature as upstream. What it keeps of upstream: it prepares the block's runtime for ``user``
(``prepare_runtime_for_user``: a ``user`` service naming the Django user, a ``publish`` service that is
``xmodule.services.EventPublishingService(user, course_id, track_function)``), binds the block to the user, and
returns None when the user may not load the block (upstream: ``has_access(user, 'load', block, course_key)``;
here: the pairs in ``DENIED``).
"""

from __future__ import annotations

from typing import Any

from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xmodule.services import EventPublishingService

#: (user id, usage key) pairs the stand-in ``has_access`` refuses.
DENIED: set[tuple[int, Any]] = set()


class DjangoXBlockUserService(UserService):
    """Stand-in of ``common/djangoapps/xblock_django/user_service.py`` (the attributes the vault reads)."""

    def __init__(self, django_user: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._django_user = django_user

    def get_current_user(self) -> XBlockUser:
        user = XBlockUser(is_current_user=True)
        user.opt_attrs["edx-platform.user_id"] = self._django_user.id
        user.opt_attrs["edx-platform.username"] = self._django_user.username
        user.opt_attrs["edx-platform.is_authenticated"] = self._django_user.is_authenticated
        return user


def prepare_runtime_for_user(
    user: Any, student_data: Any, runtime: Any, course_id: Any, track_function: Any, request_token: str, **kwargs: Any
) -> None:
    runtime._services.update(  # upstream: runtime._services.update(services)
        {"user": DjangoXBlockUserService(user), "publish": EventPublishingService(user, course_id, track_function)}
    )


def get_block_for_descriptor(
    user: Any,
    request: Any,
    block: Any,
    field_data_cache: Any,
    course_key: Any,
    position: int | None = None,
    wrap_xblock_display: bool = True,
    grade_bucket_type: str | None = None,
    static_asset_path: str = "",
    disable_staff_debug_info: bool = False,
    course: Any = None,
    will_recheck_access: bool = False,
    track_function: Any = None,
    student_data: Any = None,
    request_token: str | None = None,
    user_location: str | None = None,
) -> Any:
    prepare_runtime_for_user(
        user=user,
        student_data=student_data,
        runtime=block.runtime,
        course_id=course_key,
        track_function=track_function,
        request_token=request_token or "",
    )
    # upstream: block.bind_for_student(user.id, [...field data wrappers...])
    ids = block.scope_ids
    block.scope_ids = ScopeIds(user.id, ids.block_type, ids.def_id, ids.usage_id)
    if (user.id, block.scope_ids.usage_id) in DENIED:
        return None
    return block
