"""LMS URL patterns of mastery: the REST API (under the API prefix) and the staff page."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.mastery import views
from ve_edu_vault.mastery.rest_api.v1 import views as rest
from ve_edu_vault.rest_api import API_PREFIX

_M = f"{API_PREFIX}courses/<str:course_key>/mastery/"
lms_urlpatterns: list[URLPattern] = [
    path(_M, rest.LearnerMasteryView.as_view(), name="mastery-learner"),
    path(f"{_M}objectives/<str:objective_key>/", rest.ObjectiveMasteryView.as_view(), name="mastery-objective"),
    path(
        f"{_M}objectives/<str:objective_key>/explanation/",
        rest.MasteryExplanationView.as_view(),
        name="mastery-explanation",
    ),
    path("ve-edu-vault/courses/<str:course_key>/mastery/", views.staff_mastery, name="mastery-staff-page"),
]
