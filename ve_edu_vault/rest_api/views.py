"""Base view classes for the plugin's REST API (``/api/ve-edu-vault/v1/``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
from ve_edu_vault.rest_api.etags import conditional
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
    #: ``If-None-Match`` names it gets ``304 Not Modified`` without the body (``rest_api/etags.py``).
    etag: bool = False

    def paginated(self, items: Sequence[Any], convert: Callable[[list[Any]], Any]) -> Any:
        """One page of ``items`` (a list, a queryset or a lazy sequence with ``count()`` and slices) as
        ``{"count", "next", "previous", "results"}``; ``convert`` turns the page's items into JSON-ready rows.
        A view using it sets ``pagination_class = VaultPagination`` so the schema declares the paginated shape."""
        paginator = VaultPagination()
        page = paginator.paginate_queryset(items, self.request, view=self)  # type: ignore[arg-type,attr-defined]
        return paginator.get_paginated_response(convert(list(page or [])))

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Any]:
        return vault_exception_handler

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        return conditional(request, response) if self.etag else response


class VaultAPIView(VaultViewMixin, APIView):
    """An APIView with the vault's auth, throttling and error handling."""
