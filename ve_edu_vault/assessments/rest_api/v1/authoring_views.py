"""
Assessment authoring REST views (Studio): list, create, edit, archive, preview, accommodations.

TLDR: course staff only (``IsCourseStaff`` on the ``course_key`` URL keyword); an assessment of
another course is a 404. Views parse, call ``assessments.api`` and serialize; every ``VaultError``
(and ``InvalidAssessmentConfig``) becomes a 4xx body through the vault's exception handler.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from opaque_keys.edx.keys import CourseKey
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.data import AssessmentConfig, InvalidAssessmentConfig
from ve_edu_vault.assessments.rest_api.v1 import serializers as s
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.query import flag
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key, parse_usage_key

TAG = ["assessments (authoring)"]
ERRORS = {
    400: OpenApiResponse(description="Invalid key, body or configuration (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course."),
    404: OpenApiResponse(description="No such assessment in this course."),
}
COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
ASSESSMENT = id_parameter("assessment_id", "Id of an assessment.")


def parse_config(raw: dict[str, Any]) -> AssessmentConfig:
    """An ``AssessmentConfig`` from a request body's ``config``; the error's field is prefixed ``config.``."""
    try:
        return AssessmentConfig.from_dict(raw)
    except InvalidAssessmentConfig as exc:
        raise ValidationError(exc.message, field=f"config.{exc.field}") from exc


class CourseStaffView(VaultAPIView):
    """Base of the authoring views: the course is the ``course_key`` URL keyword, staff only."""

    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False

    permission_classes = (IsAuthenticated, IsCourseStaff)

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])

    def assessment(self, assessment_id: int) -> Any:
        """The assessment, 404 unless it belongs to the URL's course."""
        return api.get_assessment(assessment_id, course_key=self.get_course_key())


class AssessmentListView(CourseStaffView):
    @document(
        tags=TAG,
        summary="The course's assessments.",
        parameters=[COURSE, OpenApiParameter("include_archived", bool, description="Include archived ones.")],
        responses={200: s.AssessmentSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        include_archived = flag(request, "include_archived")
        items = api.list_assessments(self.get_course_key(), include_archived=include_archived)
        paginator = VaultPagination()
        page = paginator.paginate_queryset(list(items), request, view=self)
        return paginator.get_paginated_response(s.AssessmentSerializer(page, many=True).data)

    @document(
        tags=TAG,
        summary="Create an assessment.",
        parameters=[COURSE],
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentSerializer, **ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        body = s.AssessmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        node = body.validated_data.get("node_usage_key") or None
        if node is not None:
            parse_usage_key(node, field="node_usage_key")
        assessment = api.create_assessment(
            self.get_course_key(),
            node_usage_key=node,
            title=body.validated_data["title"],
            config=parse_config(body.validated_data["config"]),
            author=request.user,
        )
        return Response(s.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class AssessmentDetailView(CourseStaffView):
    etag = True  # a 304 while the assessment is unchanged

    @document(
        tags=TAG,
        summary="An assessment.",
        parameters=[COURSE, ASSESSMENT],
        responses={200: s.AssessmentSerializer, **ERRORS},
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response:
        return Response(s.AssessmentSerializer(self.assessment(assessment_id)).data)

    @document(
        tags=TAG,
        summary="Change the title and/or the configuration (replaced as a whole).",
        parameters=[COURSE, ASSESSMENT],
        request=s.AssessmentUpdateSerializer,
        responses={200: s.AssessmentSerializer, **ERRORS},
    )
    def patch(self, request: Request, course_key: str, assessment_id: int) -> Response:
        body = s.AssessmentUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        config = body.validated_data.get("config")
        assessment = api.update_assessment(
            assessment_id,
            course_key=self.get_course_key(),
            title=body.validated_data.get("title"),
            config=parse_config(config) if config is not None else None,
        )
        return Response(s.AssessmentSerializer(assessment).data)


class AssessmentArchiveView(CourseStaffView):
    @document(
        tags=TAG,
        summary="Archive an assessment (learners no longer see it).",
        parameters=[COURSE, ASSESSMENT],
        request=None,
        responses={200: s.AssessmentSerializer, **ERRORS},
    )
    def post(self, request: Request, course_key: str, assessment_id: int) -> Response:
        assessment = api.archive_assessment(assessment_id, course_key=self.get_course_key())
        return Response(s.AssessmentSerializer(assessment).data)


class AssessmentPreviewView(CourseStaffView):
    @document(
        tags=TAG,
        summary="A draw of the assessment exactly as a learner would see it (nothing is stored).",
        parameters=[COURSE, ASSESSMENT, OpenApiParameter("seed", int, description="Repeat a draw.")],
        responses={200: s.AttemptViewSerializer, **ERRORS},
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response:
        self.assessment(assessment_id)
        raw_seed = request.query_params.get("seed")
        if raw_seed is not None and not raw_seed.lstrip("-").isdigit():
            raise ValidationError("seed must be an integer.", field="seed")
        view = api.preview_assessment(assessment_id, seed=int(raw_seed) if raw_seed is not None else None)
        return Response(s.AttemptViewSerializer(view).data)


class AccommodationsView(CourseStaffView):
    pagination_class = VaultPagination  # one per learner who has one: paginated

    @document(
        tags=TAG,
        summary="The assessment's accommodations (paginated).",
        parameters=[COURSE, ASSESSMENT],
        responses={200: s.AccommodationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response:
        self.assessment(assessment_id)
        items = api.list_accommodations(assessment_id)
        paginator = VaultPagination()
        page = paginator.paginate_queryset(list(items), request, view=self)
        return paginator.get_paginated_response(s.AccommodationSerializer(page, many=True).data)

    @document(
        tags=TAG,
        summary="Set a learner's accommodation (by username): extra minutes, time multiplier, extra attempts.",
        parameters=[COURSE, ASSESSMENT],
        request=s.AccommodationWriteSerializer,
        responses={200: s.AccommodationSerializer, **ERRORS},
    )
    def put(self, request: Request, course_key: str, assessment_id: int) -> Response:
        self.assessment(assessment_id)
        body = s.AccommodationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = platform.get_user(body.validated_data["username"])
        if user is None:
            raise NotFoundError("No such user.", field="username")
        data = api.set_accommodation(assessment_id, user=user, accommodation=body.accommodation(), set_by=request.user)
        return Response(s.AccommodationSerializer(data).data)
