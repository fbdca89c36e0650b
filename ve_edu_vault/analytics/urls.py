"""LMS URL patterns of analytics: the REST API (under the API prefix), the staff area and the dashboard."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.analytics import views as pages
from ve_edu_vault.analytics.rest_api.v1 import views as rest
from ve_edu_vault.rest_api import API_PREFIX

_C = f"{API_PREFIX}courses/<str:course_key>/"
lms_urlpatterns: list[URLPattern] = [
    path(
        f"{_C}assessments/<vault_id:assessment_id>/item-analysis/",
        rest.ItemAnalysisView.as_view(),
        name="analytics-item-analysis",
    ),
    path(f"{_C}mastery-outline/", rest.MasteryOutlineView.as_view(), name="analytics-mastery-outline"),
    path(f"{_C}exports/<str:kind>/", rest.ExportView.as_view(), name="analytics-export"),
    path(f"{_C}export-jobs/", rest.ExportJobsView.as_view(), name="analytics-export-jobs"),
    path(f"{_C}export-jobs/<vault_id:job_id>/", rest.ExportJobView.as_view(), name="analytics-export-job"),
    path(f"{_C}export-jobs/<vault_id:job_id>/file/", rest.ExportJobFileView.as_view(), name="analytics-export-file"),
    path("ve-edu-vault/courses/<str:course_key>/staff/", pages.staff_area, name="analytics-staff-area"),
    path("ve-edu-vault/courses/<str:course_key>/staff/not-started/", pages.not_started, name="analytics-not-started"),
    path("ve-edu-vault/courses/<str:course_key>/staff/regrades/", pages.regrades, name="analytics-regrades"),
    path("ve-edu-vault/courses/<str:course_key>/staff/attempts/", pages.attempt_grade, name="analytics-attempt-grade"),
    path(
        "ve-edu-vault/courses/<str:course_key>/staff/assessments/<vault_id:assessment_id>/",
        pages.dashboard,
        name="analytics-dashboard",
    ),
]
