"""URL patterns served in both processes: health and the OpenAPI schema."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ve_edu_vault.rest_api import API_PREFIX
from ve_edu_vault.rest_api.v1.access import CourseAccessView
from ve_edu_vault.rest_api.v1.health import HealthView
from ve_edu_vault.rest_api.v1.schema import SchemaView


def common_patterns(urlconf: str) -> list[URLPattern]:
    return [
        path(f"{API_PREFIX}health/", HealthView.as_view(), name="health"),
        path(f"{API_PREFIX}schema/", SchemaView.as_view(urlconf=urlconf), name="schema"),
        path(f"{API_PREFIX}courses/<str:course_key>/access/", CourseAccessView.as_view(), name="course-access"),
    ]


@csrf_exempt  # answers 404 whatever the method; nothing to protect
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other URL under the API prefix: the API's JSON 404, not the host's HTML page."""
    return JsonResponse(
        {"error_code": "not_found", "message": _("No such endpoint or object."), "field": None}, status=404
    )


def api_not_found_pattern() -> URLPattern:
    """Last in each host's patterns: ids beyond 64 bits (``vault_id`` refuses them) land here too.

    Only paths ending in ``/``: one without it is still redirected by ``APPEND_SLASH`` first.
    """
    return re_path(rf"^{API_PREFIX}(?P<rest>[\s\S]*/)\Z", api_not_found, name="api-not-found")
