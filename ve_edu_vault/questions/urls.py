"""
Studio URLs of the question bank: the REST API (``api/ve-edu-vault/v1/``) and the authoring page.

Included once from ``ve_edu_vault.urls.cms``; authoring is a Studio feature, not served by the LMS.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from ve_edu_vault.questions import interchange_views, views
from ve_edu_vault.rest_api import API_PREFIX

urlpatterns: list[URLPattern | URLResolver] = [
    path(API_PREFIX, include("ve_edu_vault.questions.rest_api.v1.urls")),
    path("ve-edu-vault/courses/<str:course_key>/questions/", views.question_list, name="questions-page"),
    path(
        "ve-edu-vault/courses/<str:course_key>/questions/interchange/",
        interchange_views.interchange_page,
        name="questions-interchange-page",
    ),
    path(
        "ve-edu-vault/courses/<str:course_key>/questions/interchange/<vault_id:job_id>/",
        interchange_views.import_job_page,
        name="question-import-page",
    ),
    path(
        "ve-edu-vault/courses/<str:course_key>/questions/interchange/export/",
        interchange_views.export_download,
        name="questions-export-download",
    ),
    path(
        "ve-edu-vault/courses/<str:course_key>/questions/<vault_id:question_id>/",
        views.question_edit,
        name="question-edit-page",
    ),
]
