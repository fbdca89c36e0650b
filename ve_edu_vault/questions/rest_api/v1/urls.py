"""URL patterns of the question bank REST API (v1); included by ``questions.urls`` under the API prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.questions.rest_api.v1 import interchange_views, views

_Q = "courses/<str:course_key>/questions/"
_IMPORTS = "courses/<str:course_key>/question-imports/"
urlpatterns: list[URLPattern] = [
    path(_Q, views.QuestionListView.as_view(), name="questions"),
    path(f"{_Q}import-olx/", views.QuestionImportView.as_view(), name="questions-import-olx"),
    path(f"{_Q}export/", interchange_views.QuestionsExportView.as_view(), name="questions-export"),
    path(_IMPORTS, interchange_views.QuestionImportsView.as_view(), name="question-imports"),
    path(f"{_IMPORTS}<int:job_id>/", interchange_views.QuestionImportDetailView.as_view(), name="question-import"),
    path(
        f"{_IMPORTS}<int:job_id>/confirm/",
        interchange_views.QuestionImportConfirmView.as_view(),
        name="question-import-confirm",
    ),
    path(f"{_Q}<int:question_id>/", views.QuestionDetailView.as_view(), name="question-detail"),
    path(f"{_Q}<int:question_id>/archive/", views.QuestionArchiveView.as_view(), name="question-archive"),
    path(f"{_Q}<int:question_id>/restore/", views.QuestionRestoreView.as_view(), name="question-restore"),
    path(f"{_Q}<int:question_id>/versions/", views.QuestionVersionsView.as_view(), name="question-versions"),
    path(f"{_Q}<int:question_id>/preview-grade/", views.QuestionPreviewGradeView.as_view(), name="question-preview"),
    path(f"{_Q}<int:question_id>/export-olx/", views.QuestionExportView.as_view(), name="question-export-olx"),
]
