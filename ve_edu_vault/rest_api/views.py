"""Base view classes for the plugin's REST API (``/api/ve-edu-vault/v1/``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpResponseNotModified
from drf_spectacular.openapi import AutoSchema
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import BasePagination
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from ve_edu_vault.errors import ValidationError
from ve_edu_vault.rest_api.authentication import VaultJwtAuthentication
from ve_edu_vault.rest_api.exceptions import vault_exception_handler
from ve_edu_vault.rest_api.lti_launch import LtiLaunchAuthentication
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.parsers import VaultJSONParser
from ve_edu_vault.rest_api.throttling import VaultUserRateThrottle


def parse_course_key(raw: str, *, field: str = "course_key") -> CourseKey:
    try:
        return CourseKey.from_string(raw)
    except InvalidKeyError as exc:
        raise ValidationError(f"{raw!r} is not a valid course key.", field=field) from exc


def parse_usage_key(raw: str, *, field: str = "usage_key") -> UsageKey:
    try:
        return UsageKey.from_string(raw)
    except InvalidKeyError as exc:
        raise ValidationError(f"{raw!r} is not a valid usage key.", field=field) from exc


class VaultViewMixin:
    """Authentication (Open edX JWT, JWT cookies, session), throttling, errors and schema for our views."""

    # JWTs as edx-drf-extensions authenticates them, refused while no public signing key is configured.
    # An LTI launch token (Authorization: VaultLTI ...) only from a page launched in a platform's iframe.
    authentication_classes: Sequence[type[BaseAuthentication]] = (
        LtiLaunchAuthentication,
        VaultJwtAuthentication,
        SessionAuthenticationAllowInactiveUser,
    )
    permission_classes: Sequence[Any] = (IsAuthenticated,)
    # False on Studio's authoring views: an LTI launch opens the learner's pages, it never grants authoring.
    accepts_lti_launch: bool = True
    throttle_classes: Sequence[type[BaseThrottle]] = (VaultUserRateThrottle,)
    pagination_class: type[BasePagination] | None = VaultPagination
    # DRF's default parsers, JSON bounded in depth (a 50,000-deep body is a 400, not RecursionError).
    parser_classes: Sequence[type[BaseParser]] = (VaultJSONParser, FormParser, MultiPartParser)
    schema: Any = AutoSchema()

    #: Heavy reads set this: a GET answers with a strong ``ETag`` (a hash of the JSON body), and a request whose
    #: ``If-None-Match`` names it gets ``304 Not Modified`` without the body (the work is done, the bytes are not
    #: sent: clients that poll an outline or a schema save the transfer and the parsing).
    etag: bool = False

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Any]:
        return vault_exception_handler

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if not self.etag or request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        tag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = tag
        wanted = {item.strip() for item in request.headers.get("If-None-Match", "").split(",")}
        if tag in wanted or "*" in wanted:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = tag
            return not_modified
        return response


class VaultAPIView(VaultViewMixin, APIView):
    """An APIView with the vault's auth, throttling and error handling."""
