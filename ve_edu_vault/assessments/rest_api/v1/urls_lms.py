"""LMS URL patterns of the assessments REST API (v1), under the API prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.assessments.rest_api.v1 import learner_views as views

_A = "courses/<str:course_key>/assessments/"
_T = "attempts/<vault_id:attempt_id>/"
urlpatterns: list[URLPattern] = [
    path(_A, views.LearnerAssessmentListView.as_view(), name="learner-assessments"),
    path(f"{_A}<vault_id:assessment_id>/attempts/", views.AttemptsView.as_view(), name="learner-attempts"),
    path(f"{_A}<vault_id:assessment_id>/attempts/current/", views.CurrentAttemptView.as_view(), name="learner-current"),
    path(_T, views.AttemptDetailView.as_view(), name="attempt-detail"),
    path(f"{_T}answers/", views.AnswersView.as_view(), name="attempt-answers"),
    path(f"{_T}responses/<vault_id:response_id>/check/", views.CheckView.as_view(), name="attempt-check"),
    path(f"{_T}responses/<vault_id:response_id>/hint/", views.HintView.as_view(), name="attempt-hint"),
    path(f"{_T}submit/", views.SubmitView.as_view(), name="attempt-submit"),
    path(f"{_T}result/", views.ResultView.as_view(), name="attempt-result"),
    path(f"{_T}grade/", views.GradeChangeView.as_view(), name="attempt-grade-change"),
]
