"""The hosts' home page: links to each course's vault pages (stands in for the LMS dashboard)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hosts.standalone_platform.backend import published_course_keys


@require_safe  # GET and HEAD only, as every page that changes nothing (tests/security/matrix_rows.py)
def favicon(request: HttpRequest) -> HttpResponse:
    """No icon, and no 404 in the browser console: the LMS serves its own at /favicon.ico."""
    return HttpResponse(status=204)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hosts/home.html",
        {"courses": published_course_keys(), "lms_root": settings.VAULT_LMS_ROOT, "cms_root": settings.VAULT_CMS_ROOT},
    )
