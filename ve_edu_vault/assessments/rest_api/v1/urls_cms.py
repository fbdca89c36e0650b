"""Studio URL patterns of the assessments REST API (v1), under the API prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.assessments.rest_api.v1 import authoring_views as views

_A = "courses/<str:course_key>/assessments/"
urlpatterns: list[URLPattern] = [
    path(_A, views.AssessmentListView.as_view(), name="assessments"),
    path(f"{_A}<vault_id:assessment_id>/", views.AssessmentDetailView.as_view(), name="assessment-detail"),
    path(f"{_A}<vault_id:assessment_id>/archive/", views.AssessmentArchiveView.as_view(), name="assessment-archive"),
    path(f"{_A}<vault_id:assessment_id>/preview/", views.AssessmentPreviewView.as_view(), name="assessment-preview"),
    path(
        f"{_A}<vault_id:assessment_id>/accommodations/",
        views.AccommodationsView.as_view(),
        name="assessment-accommodations",
    ),
]
