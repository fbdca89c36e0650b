"""Studio URL patterns of the audit log (REST, under the API prefix)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.audit.rest_api.v1 import views
from ve_edu_vault.rest_api import API_PREFIX

cms_urlpatterns: list[URLPattern] = [
    path(f"{API_PREFIX}courses/<str:course_key>/audit/", views.CourseAuditView.as_view(), name="course-audit"),
]
