"""LMS host URLconf in tests: the host's, plus the XBlock SDK workbench under ``/workbench/`` (tests/xblock/)."""

from __future__ import annotations

from django.urls import include, path

from hosts.lms.urls import urlpatterns as host_urlpatterns

urlpatterns = [
    *host_urlpatterns,
    path("workbench/", include("workbench.urls")),
]
