"""
Analytics REST views (LMS, course staff): item analysis, streaming exports, export jobs.

TLDR: ``GET courses/<course_key>/assessments/<id>/item-analysis/?attempts=`` is the item analysis (the
``vault_item_analysis --json`` object); ``GET courses/<course_key>/exports/<kind>/?file_format=csv|jsonl|parquet``
streams an export (``StreamingHttpResponse``: the first page of rows leaves at once, memory stays flat);
``POST courses/<course_key>/export-jobs/`` has the worker write it to storage instead (202), ``GET`` lists the
jobs, ``GET .../export-jobs/<id>/file/`` downloads a finished one. Learners are anonymous ids unless a global staff
user asks ``identity=username``. ``file_format``, not ``format``: DRF keeps ``format`` for choosing a renderer.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from opaque_keys.edx.keys import CourseKey
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.analytics import api
from ve_edu_vault.analytics.exports import FORMATS, KINDS
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["analytics"]
ERRORS = {
    400: OpenApiResponse(description="Invalid key or filter (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course, or usernames asked by someone not global staff."),
    404: OpenApiResponse(description="No such assessment, export or job in this course."),
}
COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
ASSESSMENT = id_parameter("assessment_id", "Id of an assessment.")
JOB = id_parameter("job_id", "Id of an export job.")
ATTEMPTS = OpenApiParameter(
    "attempts", str, enum=["first", "last", "best", "all"], description="Which graded attempts count (default all)."
)
KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS), description="What to export.")
FILTERS = [
    OpenApiParameter("file_format", str, enum=list(FORMATS), description="csv (default), jsonl or parquet."),
    OpenApiParameter("assessment", int, description="Only this assessment's attempts."),
    OpenApiParameter("since", str, description="Attempts submitted on or after (YYYY-MM-DD or ISO date-time)."),
    OpenApiParameter("until", str, description="Attempts submitted before (YYYY-MM-DD or ISO date-time)."),
    ATTEMPTS,
    OpenApiParameter("identity", str, enum=["anonymous", "username"], description="username: global staff only."),
]
ANALYSIS = inline_serializer(
    "ItemAnalysis",
    {
        "assessment": serializers.JSONField(),
        "items": serializers.ListField(child=serializers.JSONField()),
        "questions": serializers.ListField(child=serializers.JSONField()),
    },
)
JOB_FIELDS: dict[str, Any] = {
    "id": serializers.IntegerField(),
    "course_key": serializers.CharField(),
    "kind": serializers.CharField(),
    "format": serializers.CharField(),
    "filters": serializers.JSONField(),
    "status": serializers.CharField(),
    "storage_name": serializers.CharField(),
    "rows": serializers.IntegerField(),
    "size": serializers.IntegerField(),
    "error": serializers.CharField(),
    "requested_by_id": serializers.IntegerField(allow_null=True),
    "created": serializers.DateTimeField(),
    "finished": serializers.DateTimeField(allow_null=True),
}
JOB_BODY = inline_serializer("ExportJob", dict(JOB_FIELDS))
JOB_LIST = inline_serializer("ExportJob", dict(JOB_FIELDS), many=True)
JOB_REQUEST = inline_serializer(
    "ExportJobRequest",
    {
        "kind": serializers.ChoiceField(choices=list(KINDS)),
        "file_format": serializers.ChoiceField(choices=list(FORMATS), required=False),
        "assessment": serializers.IntegerField(required=False),
        "since": serializers.CharField(required=False),
        "until": serializers.CharField(required=False),
        "attempts": serializers.ChoiceField(choices=["first", "last", "best", "all"], required=False),
        "identity": serializers.ChoiceField(choices=["anonymous", "username"], required=False),
    },
)


_NODE: dict[str, Any] = {
    "usage_key": serializers.CharField(),
    "kind": serializers.CharField(),
    "display_name": serializers.CharField(allow_blank=True),
    "evidence": serializers.IntegerField(help_text="Learners with answers (objective), or the sum below."),
    "mastered": serializers.IntegerField(),
    "share": serializers.FloatField(allow_null=True, help_text="mastered / evidence; null without answers."),
}
MASTERY_OBJECTIVE = inline_serializer("MasteryObjective", {**_NODE, "policy": serializers.CharField()}, many=True)
MASTERY_SUBTOPIC = inline_serializer(
    "MasterySubtopic", {**_NODE, "objectives": serializers.IntegerField(), "children": MASTERY_OBJECTIVE}, many=True
)
MASTERY_TOPIC = inline_serializer(
    "MasteryTopic", {**_NODE, "objectives": serializers.IntegerField(), "children": MASTERY_SUBTOPIC}, many=True
)
MASTERY_OUTLINE = inline_serializer("MasteryOutline", {"course_key": serializers.CharField(), "topics": MASTERY_TOPIC})


def job_dict(job: api.ExportJobData) -> dict[str, Any]:
    return asdict(job)


class AnalyticsStaffView(VaultAPIView):
    permission_classes = (IsAuthenticated, IsCourseStaff)
    pagination_class: type[VaultPagination] | None = None

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])


class ItemAnalysisView(AnalyticsStaffView):
    etag = True  # the dashboard's data: a 304 while no attempt was graded since

    @document(
        tags=TAG,
        summary="Item analysis of an assessment (docs/analytics_json.rst).",
        parameters=[COURSE, ASSESSMENT, ATTEMPTS],
        responses={200: ANALYSIS, **ERRORS},
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response:
        result = api.item_analysis(
            assessment_id, attempts=request.query_params.get("attempts"), course_key=self.get_course_key()
        )
        return Response(api.analysis_to_dict(result))


class MasteryOutlineView(AnalyticsStaffView):
    etag = True  # heavy, and the staff area and dashboards poll it: a 304 while the counts are unchanged

    @document(
        tags=TAG,
        summary="Mastery rolled up as the outline: topic > subtopic > objective, how many learners mastered each.",
        parameters=[COURSE],
        responses={200: MASTERY_OUTLINE, **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        key = self.get_course_key()
        return Response({"course_key": str(key), "topics": api.mastery_tree(key)})


class ExportView(AnalyticsStaffView):
    @document(
        tags=TAG,
        summary="Stream an export (attempts, responses, item statistics, mastery) as CSV, JSON Lines or Parquet.",
        parameters=[COURSE, KIND, *FILTERS],
        responses={
            (200, "text/csv"): bytes,
            (200, "application/jsonl"): bytes,
            (200, "application/vnd.apache.parquet"): bytes,
            **ERRORS,
        },
    )
    def get(self, request: Request, course_key: str, kind: str) -> StreamingHttpResponse:
        params = request.query_params
        export = api.export_request(
            kind,
            self.get_course_key(),
            fmt=params.get("file_format") or "csv",
            assessment_id=params.get("assessment"),
            since=params.get("since"),
            until=params.get("until"),
            attempts=params.get("attempts"),
            identity=params.get("identity"),
            user=request.user,
        )
        api.audit_export(export, user=request.user, mode="stream")
        response = StreamingHttpResponse(
            api.stream_export(export), content_type=api.exports.content_type(export.format)
        )
        response["Content-Disposition"] = f'attachment; filename="{api.export_file_name(export)}"'
        response["X-Accel-Buffering"] = "no"  # nginx (Tutor's Caddy streams as it is): pass the bytes on at once
        return response


class ExportJobsView(AnalyticsStaffView):
    pagination_class = VaultPagination  # a course's export jobs accumulate: paginated

    @document(
        tags=TAG,
        summary="The course's export jobs, newest first (paginated).",
        parameters=[COURSE],
        responses={200: JOB_LIST, **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        jobs = api.list_export_jobs(self.get_course_key())
        return self.paginated(jobs, lambda page: [job_dict(job) for job in page])

    @document(
        tags=TAG,
        summary="Have the worker write an export to storage; the requester is mailed when it is ready.",
        parameters=[COURSE],
        request=JOB_REQUEST,
        responses={202: JOB_BODY, **ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        if not isinstance(request.data, dict):
            raise ValidationError('The body must be a JSON object, e.g. {"kind": "responses"}.', field=None)
        body = request.data
        export = api.export_request(
            str(body.get("kind") or ""),
            self.get_course_key(),
            fmt=body.get("file_format") or "csv",
            assessment_id=body.get("assessment"),
            since=body.get("since"),
            until=body.get("until"),
            attempts=body.get("attempts"),
            identity=body.get("identity"),
            user=request.user,
        )
        job = api.queue_export(export, user=request.user)
        return Response(job_dict(job), status=status.HTTP_202_ACCEPTED)


class ExportJobView(AnalyticsStaffView):
    @document(tags=TAG, summary="One export job.", parameters=[COURSE, JOB], responses={200: JOB_BODY, **ERRORS})
    def get(self, request: Request, course_key: str, job_id: int) -> Response:
        return Response(job_dict(api.get_export_job(job_id, course_key=self.get_course_key())))


class ExportJobFileView(AnalyticsStaffView):
    @document(
        tags=TAG,
        summary="Download a finished export job's file (404 until it is ready).",
        parameters=[COURSE, JOB],
        responses={
            (200, "text/csv"): bytes,
            (200, "application/jsonl"): bytes,
            (200, "application/vnd.apache.parquet"): bytes,
            **ERRORS,
        },
    )
    def get(self, request: Request, course_key: str, job_id: int) -> FileResponse:
        job = api.get_export_job(job_id, course_key=self.get_course_key())
        handle = api.open_export_file(job)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=job.storage_name.rsplit("/", 1)[-1],
            content_type=api.exports.content_type(job.format),
        )
