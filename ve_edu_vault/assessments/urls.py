"""
URLs of assessments: the REST API (``api/ve-edu-vault/v1/``) and the pages (``ve-edu-vault/``).

TLDR: two lists, one per process. ``lms_urlpatterns`` (learner API and pages) is included from
``ve_edu_vault.urls.lms``; ``cms_urlpatterns`` (authoring API and page) from ``ve_edu_vault.urls.cms``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from ve_edu_vault.assessments import views
from ve_edu_vault.rest_api import API_PREFIX

_PAGE = "ve-edu-vault/courses/<str:course_key>/assessments/"

lms_urlpatterns: list[URLPattern | URLResolver] = [
    path(API_PREFIX, include("ve_edu_vault.assessments.rest_api.v1.urls_lms")),
    path(_PAGE, views.learner_list, name="assessments-learner-page"),
    path(f"{_PAGE}<vault_id:assessment_id>/", views.learner_take, name="assessment-take-page"),
]

cms_urlpatterns: list[URLPattern | URLResolver] = [
    path(API_PREFIX, include("ve_edu_vault.assessments.rest_api.v1.urls_cms")),
    path(_PAGE, views.authoring_list, name="assessments-authoring-page"),
    path(f"{_PAGE}<vault_id:assessment_id>/", views.authoring_edit, name="assessment-edit-page"),
]
