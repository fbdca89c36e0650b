"""URL patterns served in both processes: health and the OpenAPI schema."""

from __future__ import annotations

from django.urls import URLPattern, path

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
