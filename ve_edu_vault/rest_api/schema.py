"""
``document()``: drf-spectacular's ``extend_schema`` that works inside the LMS; and what every
operation of the schema shares (error bodies, counted lists, bounded ids).

TLDR: use ``@document(...)`` on vault views, not ``@extend_schema``. On view methods,
``extend_schema`` builds on DRF's global ``DEFAULT_SCHEMA_CLASS``, which the LMS owns and which is
not drf-spectacular's; ``document`` pins drf-spectacular's AutoSchema without touching the global.

The schema must say what the API answers (issue 18, item 9; schemathesis checks it over both
hosts in ``tests/rest_api/test_schemathesis.py``): lists answered as ``{"count", "results"}`` are
declared with :func:`counted`, ids with :func:`id_parameter`, and :func:`add_error_responses`
(a post-processing hook) gives every operation the error statuses any vault view can answer,
with the one error body of ``rest_api.exceptions``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from ve_edu_vault.rest_api.converters import ID_SCHEMA

F = TypeVar("F", bound=Callable[..., Any])


def document(**kwargs: Any) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        if not inspect.isclass(func) and not hasattr(func, "schema"):
            func.schema = AutoSchema  # type: ignore[attr-defined]
        decorated: F = extend_schema(**kwargs)(func)
        return decorated

    return decorator


def id_parameter(name: str, description: str) -> OpenApiParameter:
    """A path id as ``<vault_id:...>`` accepts it (0 to ``2**63 - 1``; anything else is a 404)."""
    return OpenApiParameter(name, ID_SCHEMA, OpenApiParameter.PATH, description=description)


def counted(name: str, item: serializers.BaseSerializer[Any]) -> serializers.Serializer[Any]:
    """The schema of a list answered whole as ``{"count": n, "results": [...]}`` (``item`` with ``many=True``)."""
    return inline_serializer(name, {"count": serializers.IntegerField(), "results": item})


#: The body of every 4xx and 5xx of the vault (``rest_api.exceptions``).
ERROR_COMPONENT = "VaultError"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: ``error_code`` is stable (clients may switch on it), ``field`` names the input at fault.",
    "properties": {
        "error_code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string", "nullable": True},
        "details": {"description": "Field-by-field validation errors, when there are several."},
    },
    "required": ["error_code", "message", "field"],
}
#: What any vault operation may answer, whatever it declares: bad input, no or bad credentials,
#: no permission, no such object (ids are checked by the URL converter before any view), a body of a
#: type the operation does not read, throttled.
COMMON_ERRORS = {
    "400": "Invalid input (``field`` names it).",
    "401": "Not authenticated.",
    "403": "Not allowed for this user.",
    "404": "No such object (or not this user's).",
    "415": "The body's content type is not one this operation reads (or a multipart body is malformed).",
    "429": "Too many requests (throttled); retry after the ``Retry-After`` header's seconds.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the common errors on every operation, each with the error body."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code[0] in "45" and "content" not in response:
                    response["content"] = body
    return result
