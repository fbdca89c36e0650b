"""URL patterns of the course sync REST API (v1); included by ``course_sync.urls`` under the API prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.course_sync.rest_api.v1 import views

# Course keys contain ":" and "+" but never "/", so the default ``str`` converter fits them.
urlpatterns: list[URLPattern] = [
    path("courses/<str:course_key>/outline/", views.CourseOutlineView.as_view(), name="course-sync-outline"),
    path("courses/<str:course_key>/syncs/", views.CourseSyncsView.as_view(), name="course-syncs"),
    path("courses/<str:course_key>/syncs/preview/", views.CourseSyncPreviewView.as_view(), name="course-sync-preview"),
    path(
        "courses/<str:course_key>/sync-settings/",
        views.CourseSyncSettingsView.as_view(),
        name="course-sync-settings",
    ),
    path("syncs/<vault_id:sync_id>/", views.SyncDetailView.as_view(), name="sync-detail"),
    path("syncs/<vault_id:sync_id>/undo/", views.SyncUndoView.as_view(), name="sync-undo"),
    path("syncs/<vault_id:sync_id>/approve/", views.SyncApproveView.as_view(), name="sync-approve"),
    path("syncs/<vault_id:sync_id>/reject/", views.SyncRejectView.as_view(), name="sync-reject"),
]
