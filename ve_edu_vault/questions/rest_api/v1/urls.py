"""URL patterns of the question bank REST API (v1); included by ``questions.urls`` under the API prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.questions.rest_api.v1 import interchange_views, views

_Q = "courses/<str:course_key>/questions/"
_IMPORTS = "courses/<str:course_key>/question-imports/"
_QID = f"{_Q}<vault_id:question_id>/"
urlpatterns: list[URLPattern] = [
    path(_Q, views.QuestionListView.as_view(), name="questions"),
    path(f"{_Q}import-olx/", views.QuestionImportView.as_view(), name="questions-import-olx"),
    path(f"{_Q}export/", interchange_views.QuestionsExportView.as_view(), name="questions-export"),
    path(_IMPORTS, interchange_views.QuestionImportsView.as_view(), name="question-imports"),
    path(f"{_IMPORTS}<vault_id:job_id>/", interchange_views.QuestionImportDetailView.as_view(), name="question-import"),
    path(
        f"{_IMPORTS}<vault_id:job_id>/confirm/",
        interchange_views.QuestionImportConfirmView.as_view(),
        name="question-import-confirm",
    ),
    path(f"{_QID}", views.QuestionDetailView.as_view(), name="question-detail"),
    path(f"{_QID}archive/", views.QuestionArchiveView.as_view(), name="question-archive"),
    path(f"{_QID}restore/", views.QuestionRestoreView.as_view(), name="question-restore"),
    path(f"{_QID}versions/", views.QuestionVersionsView.as_view(), name="question-versions"),
    path(f"{_QID}preview-grade/", views.QuestionPreviewGradeView.as_view(), name="question-preview"),
    path(f"{_QID}export-olx/", views.QuestionExportView.as_view(), name="question-export-olx"),
]
