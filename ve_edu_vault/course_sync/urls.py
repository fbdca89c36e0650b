"""
Studio URLs of course sync: the REST API (``api/ve-edu-vault/v1/``) and the history page (``ve-edu-vault/``).

Included once from ``ve_edu_vault.urls.cms``; course sync is a Studio feature, not served by the LMS.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from ve_edu_vault.course_sync import views
from ve_edu_vault.rest_api import API_PREFIX

urlpatterns: list[URLPattern | URLResolver] = [
    path(API_PREFIX, include("ve_edu_vault.course_sync.rest_api.v1.urls")),
    path("ve-edu-vault/courses/<str:course_key>/sync/", views.sync_history, name="course-sync-history"),
    path(
        "ve-edu-vault/courses/<str:course_key>/sync/<str:action>/",
        views.sync_action,
        name="course-sync-action",
    ),
]
