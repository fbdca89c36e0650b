"""
Question bank REST views (Studio): list, author, version, archive, preview-grade, import and export OLX.

TLDR: course staff only (``IsCourseStaff`` on the ``course_key`` URL keyword); a question of another
course is a 404. Views are thin: they parse, call ``questions.api`` and serialize. Every
``VaultError`` becomes a 4xx body through the vault's exception handler.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from opaque_keys.edx.keys import CourseKey
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.questions import api
from ve_edu_vault.questions.rest_api.v1 import serializers as s
from ve_edu_vault.rest_api.pagination import MAX_PAGE, VaultPagination, page_number, page_size
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.query import flag
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["questions"]
_ERRORS = {
    400: OpenApiResponse(description="Invalid key, body or question content (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course."),
    404: OpenApiResponse(description="No such question in this course."),
}
_COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
_ID = id_parameter("question_id", "Id of a question.")


class CourseQuestionsView(VaultAPIView):
    """Base of the question views: the course is the ``course_key`` URL keyword."""

    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False

    permission_classes = (IsAuthenticated, IsCourseStaff)

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])


class QuestionListView(CourseQuestionsView):
    etag = True  # the question bank's list: heavy, re-read by the bank page on every visit

    @document(
        tags=TAG,
        summary="The course's questions, newest first (filters on the current version).",
        parameters=[
            _COURSE,
            OpenApiParameter("node", str, description="Usage key of an objective node."),
            OpenApiParameter("type", str, description="Question type, e.g. multiple_choice."),
            OpenApiParameter("tag", str, description="A tag."),
            OpenApiParameter("q", str, description="Text search (title, prompts, choices)."),
            OpenApiParameter("include_archived", bool, description="Include archived questions."),
            OpenApiParameter("page", {"type": "integer", "maximum": MAX_PAGE}, description="Page number (from 1)."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": VaultPagination.max_page_size},
                description="Questions per page.",
            ),
        ],
        responses={
            200: inline_serializer(
                "QuestionPage",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "page_size": serializers.IntegerField(),
                    "results": s.QuestionSerializer(many=True),
                },
            ),
            **_ERRORS,
        },
    )
    def get(self, request: Request, course_key: str) -> Response:
        params = request.query_params
        size = page_size(request)
        number = page_number(request)
        page = api.list_questions(
            self.get_course_key(),
            node=params.get("node") or None,
            type=params.get("type") or None,
            tag=params.get("tag") or None,
            text=params.get("q") or None,
            include_archived=flag(request, "include_archived"),
            offset=(number - 1) * size,
            limit=size,
        )
        return Response(
            {
                "count": page.total,
                "page": number,
                "page_size": size,
                "results": s.QuestionSerializer(page.items, many=True).data,
            }
        )

    @document(
        tags=TAG,
        summary="Create a question (version 1).",
        parameters=[_COURSE],
        request=s.QuestionWriteSerializer,
        responses={201: s.QuestionSerializer, **_ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        body = s.QuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = api.create_question(
            self.get_course_key(),
            content=body.validated_data["content"],
            node_usage_key=body.validated_data.get("node_usage_key") or None,
            author=request.user,
        )
        return Response(s.QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailView(CourseQuestionsView):
    @document(tags=TAG, summary="A question.", parameters=[_COURSE, _ID], responses={200: s.QuestionSerializer})
    def get(self, request: Request, course_key: str, question_id: int) -> Response:
        question = api.get_question(question_id, course_key=self.get_course_key())
        return Response(s.QuestionSerializer(question).data)

    @document(
        tags=TAG,
        summary="Edit a question: a new version (none when the content is unchanged).",
        parameters=[_COURSE, _ID],
        request=s.QuestionWriteSerializer,
        responses={200: s.QuestionSerializer, **_ERRORS},
    )
    def put(self, request: Request, course_key: str, question_id: int) -> Response:
        body = s.QuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        extra: dict[str, Any] = {}
        if "node_usage_key" in body.validated_data:
            extra["node_usage_key"] = body.validated_data["node_usage_key"] or None
        question = api.edit_question(
            question_id,
            content=body.validated_data["content"],
            author=request.user,
            course_key=self.get_course_key(),
            **extra,
        )
        return Response(s.QuestionSerializer(question).data)


class QuestionArchiveView(CourseQuestionsView):
    @document(tags=TAG, summary="Archive a question.", parameters=[_COURSE, _ID], request=None,
              responses={200: s.QuestionSerializer, **_ERRORS})  # fmt: skip
    def post(self, request: Request, course_key: str, question_id: int) -> Response:
        question = api.archive_question(question_id, course_key=self.get_course_key())
        return Response(s.QuestionSerializer(question).data)


class QuestionRestoreView(CourseQuestionsView):
    @document(tags=TAG, summary="Restore an archived question.", parameters=[_COURSE, _ID], request=None,
              responses={200: s.QuestionSerializer, **_ERRORS})  # fmt: skip
    def post(self, request: Request, course_key: str, question_id: int) -> Response:
        question = api.restore_question(question_id, course_key=self.get_course_key())
        return Response(s.QuestionSerializer(question).data)


class QuestionVersionsView(CourseQuestionsView):
    pagination_class = VaultPagination  # every edit adds a version: paginated

    @document(tags=TAG, summary="Every version of a question, newest first (paginated).", parameters=[_COURSE, _ID],
              responses={200: s.VersionSerializer(many=True), **_ERRORS})  # fmt: skip
    def get(self, request: Request, course_key: str, question_id: int) -> Response:
        versions = api.list_versions(question_id, course_key=self.get_course_key())
        return self.paginated(versions, lambda page: s.VersionSerializer(page, many=True).data)


class QuestionPreviewGradeView(CourseQuestionsView):
    @document(
        tags=TAG,
        summary="Grade answers against the question (current version or a version number); nothing is stored.",
        parameters=[_COURSE, _ID],
        request=s.PreviewGradeSerializer,
        responses={200: OpenApiResponse(description="The GradeResult as JSON."), **_ERRORS},
    )
    def post(self, request: Request, course_key: str, question_id: int) -> Response:
        body = s.PreviewGradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = api.preview_grade(
            question_id,
            body.validated_data["answers"],
            version=body.validated_data.get("version"),
            course_key=self.get_course_key(),
        )
        return Response(result)


class QuestionExportView(CourseQuestionsView):
    @document(tags=TAG, summary="The question as a capa <problem> (application/xml).", parameters=[_COURSE, _ID],
              responses={(200, "application/xml"): str, **_ERRORS})  # fmt: skip
    def get(self, request: Request, course_key: str, question_id: int) -> HttpResponse:
        xml = api.export_olx(question_id, course_key=self.get_course_key())
        response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
        # A browser renders XML, and runs XHTML-namespaced scripts in it: this document may run nothing.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class QuestionImportView(CourseQuestionsView):
    parser_classes = (MultiPartParser, FormParser)

    @document(
        tags=TAG,
        summary="Import the problems of an uploaded .tar.gz course export of this course.",
        parameters=[_COURSE],
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={200: s.ImportReportSerializer, **_ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        body = s.ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        handle, path = tempfile.mkstemp(suffix=".tar.gz", prefix="vault-import-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = api.import_olx_course(self.get_course_key(), path, author=request.user)
        finally:
            os.unlink(path)
        return Response(report.to_dict())
