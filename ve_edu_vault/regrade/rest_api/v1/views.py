"""
Bulk regrade REST views (Studio, course staff): plan a regrade (dry run), start it, follow its progress.

TLDR: ``POST courses/<course_key>/regrades/`` records a dry run (``{"question_id": ..., "to_version_id": ...}``) and
returns its report; ``POST .../regrades/<id>/start/`` queues it on the workers (202); ``GET .../regrades/<id>/`` is
the audit record with its progress. A question or run of another course is a 404.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from opaque_keys.edx.keys import CourseKey
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.errors import ValidationError
from ve_edu_vault.regrade import api
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["regrade (authoring)"]
ERRORS = {
    400: OpenApiResponse(description="Invalid key or body (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course."),
    404: OpenApiResponse(description="No such question or regrade in this course."),
    409: OpenApiResponse(description="The regrade has already finished."),
}
COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
RUN = id_parameter("run_id", "Id of a regrade run.")
RUN_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "id": serializers.IntegerField(),
    "question_id": serializers.IntegerField(),
    "to_version_id": serializers.IntegerField(),
    "from_version_ids": serializers.ListField(child=serializers.IntegerField()),
    "status": serializers.CharField(),
    "total": serializers.IntegerField(),
    "done": serializers.IntegerField(),
    "changed": serializers.IntegerField(),
    "report": serializers.JSONField(),
}
# inline_serializer pops the fields from the dict it is given: a copy each.
RUN_BODY = inline_serializer("RegradeRun", dict(RUN_FIELDS))
RUN_LIST = inline_serializer("RegradeRun", dict(RUN_FIELDS), many=True)
PLAN_BODY = inline_serializer(
    "RegradePlan",
    {"question_id": serializers.IntegerField(), "to_version_id": serializers.IntegerField(required=False)},
)


def run_to_dict(run: api.RegradeRunData) -> dict[str, Any]:
    data = asdict(run)
    data["course_key"] = str(run.course_key)
    return data


def _int(value: Any, field: str, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be a whole number.", field=field)
    return value


class RegradeStaffView(VaultAPIView):
    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False
    permission_classes = (IsAuthenticated, IsCourseStaff)
    pagination_class: type[VaultPagination] | None = None

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])


class RegradeListView(RegradeStaffView):
    pagination_class = VaultPagination  # a course's regrades accumulate: paginated

    @document(
        tags=TAG,
        summary="The course's regrades, newest first (paginated).",
        parameters=[COURSE],
        responses={200: RUN_LIST, **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        runs = api.list_runs(self.get_course_key())
        paginator = VaultPagination()
        page = paginator.paginate_queryset(runs, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([run_to_dict(run) for run in page or []])

    @document(
        tags=TAG,
        summary="Plan a regrade: the dry run's report, per learner; nothing changes until it is started.",
        parameters=[COURSE],
        request=PLAN_BODY,
        responses={201: RUN_BODY, **ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        run = api.plan(
            _int(body.get("question_id"), "question_id") or 0,
            course_key=self.get_course_key(),
            to_version_id=_int(body.get("to_version_id"), "to_version_id", required=False),
            requested_by=request.user,
        )
        return Response(run_to_dict(run), status=status.HTTP_201_CREATED)


class RegradeDetailView(RegradeStaffView):
    @document(
        tags=TAG,
        summary="A regrade's audit record and progress.",
        parameters=[COURSE, RUN],
        responses={200: RUN_BODY, **ERRORS},
    )
    def get(self, request: Request, course_key: str, run_id: int) -> Response:
        return Response(run_to_dict(api.get_run(run_id, course_key=self.get_course_key())))


class RegradeStartView(RegradeStaffView):
    @document(
        tags=TAG,
        summary="Start (or resume) a planned regrade on the workers.",
        parameters=[COURSE, RUN],
        request=None,
        responses={202: RUN_BODY, **ERRORS},
    )
    def post(self, request: Request, course_key: str, run_id: int) -> Response:
        run = api.start(run_id, course_key=self.get_course_key(), requested_by=request.user)
        return Response(run_to_dict(run), status=status.HTTP_202_ACCEPTED)
