"""
A host's URLs plus two views that fail on purpose: what does an unexpected error show?

Used by tests/rest_api/test_server_errors.py (in process) and tests/settings_demo_faults.py (the
demo's own settings, served by runserver).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from ve_edu_vault.rest_api.views import VaultAPIView

SECRET = "secret-detail-only-a-traceback-would-show"
API_FAULT = "/api/ve-edu-vault/v1/test-faults/"
PAGE_FAULT = "/test-faults/page/"


class FaultError(RuntimeError):
    """An error no handler knows about (a bug)."""


class FailingAPIView(VaultAPIView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Any:
        raise FaultError(SECRET)


def failing_page(request: HttpRequest) -> HttpResponse:
    raise FaultError(SECRET)


urlpatterns = [
    path(API_FAULT.lstrip("/"), FailingAPIView.as_view()),
    path(PAGE_FAULT.lstrip("/"), failing_page),
    path("", include(f"hosts.{getattr(settings, 'VAULT_HOST', 'lms')}.urls")),
]
