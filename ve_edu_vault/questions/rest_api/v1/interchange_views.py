"""
Question interchange REST views (Studio): upload a file to import (a job with its preview), confirm it, follow
it, and export the course's questions in a format.

TLDR: course staff only. ``POST .../question-imports/`` keeps the file and answers the job with its preview
(201), or 202 while a worker previews a large file; ``POST .../question-imports/<id>/confirm/`` imports it
(200 when done here, 202 when a worker does it); ``GET .../question-imports/<id>/`` follows it.
``GET .../questions/export/?file_format=...`` returns the file. Errors: the vault's 4xx body.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.questions import api
from ve_edu_vault.questions.rest_api.v1 import serializers as s
from ve_edu_vault.questions.rest_api.v1.views import _COURSE, _ERRORS, CourseQuestionsView
from ve_edu_vault.rest_api.parsers import VaultJSONParser
from ve_edu_vault.rest_api.schema import document, id_parameter

TAG = ["question interchange"]
_JOB = id_parameter("job_id", "Id of an import.")
_RUNNING = ("previewing", "importing")


def _job_response(job: api.ImportJobData, *, created: bool = False) -> Response:
    code = (
        status.HTTP_202_ACCEPTED
        if job.status in _RUNNING
        else (status.HTTP_201_CREATED if created else status.HTTP_200_OK)
    )
    return Response(job.to_dict(), status=code)


class QuestionImportsView(CourseQuestionsView):
    parser_classes = (MultiPartParser, FormParser)

    @document(
        tags=TAG,
        summary="Upload a question file (Moodle XML, GIFT, Aiken, QTI 3.0/2.1, Canvas QTI 1.2) and preview its import.",
        parameters=[_COURSE],
        request={"multipart/form-data": s.InterchangeUploadSerializer},
        responses={
            201: s.ImportJobSerializer,
            202: OpenApiResponse(
                s.ImportJobSerializer, description="A large file: a worker previews it; follow the job."
            ),
            **_ERRORS,
        },
    )
    def post(self, request: Request, course_key: str) -> Response:
        body = s.InterchangeUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        api.check_upload_size(upload.size)
        job = api.start_import_job(
            self.get_course_key(),
            upload.read(),
            upload.name or "upload",
            format=body.validated_data["format"],
            node_usage_key=body.validated_data["node_usage_key"] or None,
            partial=body.validated_data["partial"],
            author=request.user,
        )
        if job.status == "failed":  # read here and found unreadable: bad input, said as the vault's 4xx body
            body_error = {
                "error_code": "interchange_unreadable",
                "message": job.error,
                "field": "file",
                "job_id": job.id,
            }
            return Response(body_error, status=status.HTTP_400_BAD_REQUEST)
        return _job_response(job, created=True)


class QuestionImportDetailView(CourseQuestionsView):
    @document(
        tags=TAG,
        summary="An import: its status, progress, preview and report.",
        parameters=[_COURSE, _JOB],
        responses={200: s.ImportJobSerializer, **_ERRORS},
    )
    def get(self, request: Request, course_key: str, job_id: int) -> Response:
        return Response(api.get_import_job(job_id, course_key=self.get_course_key()).to_dict())


class QuestionImportConfirmView(CourseQuestionsView):
    parser_classes = (VaultJSONParser, FormParser, MultiPartParser)

    @document(
        tags=TAG,
        summary="Import a previewed file (all or nothing, or what can be imported with partial).",
        parameters=[_COURSE, _JOB],
        request=s.ImportConfirmSerializer,
        responses={
            200: s.ImportJobSerializer,
            202: OpenApiResponse(s.ImportJobSerializer, description="A large file: a worker imports it."),
            409: OpenApiResponse(description="The import is not in a state that can be confirmed."),
            **_ERRORS,
        },
    )
    def post(self, request: Request, course_key: str, job_id: int) -> Response:
        body = s.ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = api.confirm_import_job(job_id, course_key=self.get_course_key(), partial=body.validated_data["partial"])
        return _job_response(job)


class QuestionsExportView(CourseQuestionsView):
    @document(
        tags=TAG,
        summary="The course's active questions (or those under a node) as Moodle XML, GIFT, Aiken or a QTI package.",
        parameters=[
            _COURSE,
            OpenApiParameter(
                "file_format",
                str,
                required=True,
                enum=["moodle-xml", "gift", "aiken", "qti3", "qti21"],
                description="The format (not 'format', which DRF keeps for choosing a renderer).",
            ),
            OpenApiParameter("node", str, description="Usage key of a course node: only the questions under it."),
        ],
        # One content type per format: Moodle XML, GIFT and Aiken text, QTI packages.
        responses={
            (200, "application/xml"): bytes,
            (200, "text/plain"): bytes,
            (200, "application/zip"): bytes,
            **_ERRORS,
        },
    )
    def get(self, request: Request, course_key: str) -> HttpResponse:
        result = api.export_questions(
            self.get_course_key(),
            request.query_params.get("file_format", ""),
            node_usage_key=request.query_params.get("node") or None,
        )
        response = HttpResponse(result.data, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["X-Vault-Written"] = str(result.written)
        response["X-Vault-Skipped"] = str(len(result.skipped))
        return response
