"""
One DRF exception handler for every vault endpoint: errors become 4xx bodies, bugs a bare 500.

Body shape: ``{"error_code": str, "message": str, "field": str | None}`` (plus ``details`` for
field-by-field validation errors). ``error_code`` values are stable: clients may switch on them.
An exception nobody expected (a bug) is logged with its traceback, recorded for monitoring and
answered with ``500 {"error_code": "server_error", ...}``: never a traceback, whatever ``DEBUG``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from edx_django_utils.monitoring import record_exception
from opaque_keys import InvalidKeyError
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from ve_edu_vault.domain_errors import DomainError
from ve_edu_vault.errors import VaultError

log = logging.getLogger(__name__)

_DRF_CODES: dict[type[drf_exceptions.APIException], str] = {
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
    drf_exceptions.ParseError: "malformed_request",
    drf_exceptions.ValidationError: "invalid",
}


def _first_field_error(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """The first (field path, message) of a DRF ValidationError detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = key if not prefix else f"{prefix}.{key}"
            field, message = _first_field_error(value, path)
            return (None if key == "non_field_errors" and not prefix else field), message
    if isinstance(detail, list) and detail:
        if all(isinstance(item, str) for item in detail):
            return (prefix or None), str(detail[0])
        for index, item in enumerate(detail):
            if item:
                return _first_field_error(item, f"{prefix}[{index}]" if prefix else f"[{index}]")
    return (prefix or None), str(detail)


def vault_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, VaultError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, DomainError):  # the pure packages' errors (no Django in them)
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, InvalidKeyError):
        return Response(
            {"error_code": "invalid_key", "message": f"Not a valid key: {exc}", "field": None},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(
            {"error_code": "invalid", "message": "; ".join(exc.messages), "field": None},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    if isinstance(exc, drf_exceptions.APIException):
        code = next((code for klass, code in _DRF_CODES.items() if isinstance(exc, klass)), "error")
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        if isinstance(exc, drf_exceptions.ValidationError):
            field, message = _first_field_error(exc.detail)
            body = {"error_code": code, "message": message, "field": field, "details": exc.detail}
        else:
            body = {"error_code": code, "message": str(exc.detail), "field": None}
        return Response(body, status=exc.status_code, headers=headers)
    return _server_error(exc, context)


def _server_error(exc: Exception, context: dict[str, Any]) -> Response:
    """A bug: the traceback goes to the log and to monitoring, the client gets a stable code and nothing more."""
    request = context.get("request")
    view = context.get("view")
    log.error(
        "Unexpected error in %s %s (%s)",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        type(view).__name__ if view is not None else "?",
        exc_info=exc,
    )
    record_exception()  # Django's own 500 handling, which the APMs watch, does not see it any more
    set_rollback()  # as DRF does for the errors it handles: an atomic request writes nothing
    return Response(
        {
            "error_code": "server_error",
            "message": _("Something went wrong on our side. It has been logged; please try again later."),
            "field": None,
        },
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
