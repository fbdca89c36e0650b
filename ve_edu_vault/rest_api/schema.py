"""
``document()``: drf-spectacular's ``extend_schema`` that works inside the LMS.

TLDR: use ``@document(...)`` on vault views, not ``@extend_schema``. On view methods,
``extend_schema`` builds on DRF's global ``DEFAULT_SCHEMA_CLASS``, which the LMS owns and which is
not drf-spectacular's; ``document`` pins drf-spectacular's AutoSchema without touching the global.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema

F = TypeVar("F", bound=Callable[..., Any])


def document(**kwargs: Any) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        if not inspect.isclass(func) and not hasattr(func, "schema"):
            func.schema = AutoSchema  # type: ignore[attr-defined]
        decorated: F = extend_schema(**kwargs)(func)
        return decorated

    return decorator
