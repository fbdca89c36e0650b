"""URL patterns served in both processes: health and the OpenAPI schema."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from ve_edu_vault.rest_api.v1.health import HealthView

API_PREFIX = "api/ve-edu-vault/v1/"


def common_patterns(urlconf: str) -> list:  # type: ignore[type-arg]
    return [
        path(f"{API_PREFIX}health/", HealthView.as_view(), name="health"),
        path(
            f"{API_PREFIX}schema/",
            SpectacularAPIView.as_view(
                urlconf=urlconf,
                custom_settings={
                    "TITLE": "ve-edu-vault API",
                    "VERSION": "1",
                    "SCHEMA_PATH_PREFIX": r"/api/ve-edu-vault/v[0-9]+",
                },
            ),
            name="schema",
        ),
    ]
