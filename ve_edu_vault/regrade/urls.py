"""Studio URL patterns of bulk regrades (REST, under the API prefix)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.regrade.rest_api.v1 import views
from ve_edu_vault.rest_api import API_PREFIX

_R = f"{API_PREFIX}courses/<str:course_key>/regrades/"
cms_urlpatterns: list[URLPattern] = [
    path(_R, views.RegradeListView.as_view(), name="regrades"),
    path(f"{_R}<vault_id:run_id>/", views.RegradeDetailView.as_view(), name="regrade-detail"),
    path(f"{_R}<vault_id:run_id>/start/", views.RegradeStartView.as_view(), name="regrade-start"),
]
