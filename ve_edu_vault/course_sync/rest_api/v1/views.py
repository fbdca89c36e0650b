"""
Course sync REST views (Studio): read the mirror and the sync history, preview, sync, undo, review.

TLDR: staff of the course only (``IsCourseStaff``; for ``syncs/<id>/`` the course is the record's).
Views are thin: they parse keys, call ``course_sync.api`` and shape results with
``course_sync.reporting``; every ``VaultError`` becomes a 4xx body through the vault's handler.
A sync requested here runs synchronously in the request: outlines are small and staff want the result.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from opaque_keys.edx.keys import CourseKey
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.reporting import sync_result_to_dict
from ve_edu_vault.course_sync.rest_api.v1 import serializers as s
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.query import flag
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["course sync"]
_ERRORS = {
    400: OpenApiResponse(description="Invalid course key or body."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course."),
}
_COURSE_PARAM = OpenApiParameter(
    "course_key", str, OpenApiParameter.PATH, description="Course key, e.g. course-v1:TestX+Course+1"
)
_SYNC_PARAM = id_parameter("sync_id", "Id of a sync record.")


class CourseSyncView(VaultAPIView):
    """Base of views whose course is the ``course_key`` URL keyword."""

    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False

    permission_classes = (IsAuthenticated, IsCourseStaff)

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])


class SyncRecordView(VaultAPIView):
    """Base of ``syncs/<sync_id>/...`` views: the course whose staff may act is the record's."""

    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False

    permission_classes = (IsAuthenticated, IsCourseStaff)

    def get_course_key(self) -> CourseKey:
        return api.get_sync_record(self.kwargs["sync_id"]).course_key  # NotFoundError → 404

    def check_permissions(self, request: Request) -> None:
        """Anyone signed in but the record's course staff gets the 404 of an unknown id: a guess tells nothing."""
        try:
            super().check_permissions(request)
        except exceptions.PermissionDenied:
            raise NotFoundError(f"Sync {self.kwargs['sync_id']} does not exist.") from None


def _source(request: Request) -> str | None:
    if not isinstance(request.data, dict):  # false, null, [], "x": a 400, never read as "no source" (issue 18)
        raise ValidationError('The body must be a JSON object, e.g. {"source": "modulestore"}, or empty.')
    body = s.SyncRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    source: str | None = body.validated_data.get("source")
    return source


class CourseOutlineView(CourseSyncView):
    etag = True  # the heaviest read of course sync: clients poll it

    @document(
        tags=TAG,
        summary="The course's mirrored outline (topics > subtopics > objectives).",
        parameters=[
            _COURSE_PARAM,
            OpenApiParameter("include_archived", bool, description="Include archived nodes (1/true)."),
        ],
        responses={200: s.CourseOutlineSerializer, **_ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        key = self.get_course_key()
        include_archived = flag(request, "include_archived")
        tree = api.get_outline_tree(key, include_archived=include_archived)
        return Response(s.CourseOutlineSerializer({"course_key": str(key), "topics": tree}).data)


class CourseSyncsView(CourseSyncView):
    @document(
        tags=TAG,
        summary="The course's sync history, newest first (paginated).",
        parameters=[_COURSE_PARAM],
        responses={200: s.SyncRecordSerializer(many=True), **_ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        records = api.list_sync_records(self.get_course_key())
        paginator = VaultPagination()
        page = paginator.paginate_queryset(records, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(s.SyncRecordSerializer(page, many=True).data)

    @document(
        tags=TAG,
        summary="Sync the course now from a platform source; answers with the sync report.",
        description="201 when a sync record was written (applied, held, skipped); 200 when nothing changed.",
        parameters=[_COURSE_PARAM],
        request=s.SyncRequestSerializer,
        responses={201: s.SyncReportSerializer, 200: s.SyncReportSerializer, **_ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        result = api.sync_course(
            self.get_course_key(), source=_source(request), trigger="rest_api", requested_by=request.user
        )
        code = status.HTTP_201_CREATED if result.sync_id is not None else status.HTTP_200_OK
        return Response(sync_result_to_dict(result), status=code)


class CourseSyncPreviewView(CourseSyncView):
    @document(
        tags=TAG,
        summary="Preview a sync: the changes it would apply now; nothing is written.",
        parameters=[_COURSE_PARAM],
        request=s.SyncRequestSerializer,
        responses={200: s.SyncReportSerializer, **_ERRORS},
    )
    def post(self, request: Request, course_key: str) -> Response:
        result = api.preview_sync(self.get_course_key(), source=_source(request))
        return Response(sync_result_to_dict(result))


class SyncDetailView(SyncRecordView):
    @document(
        tags=TAG,
        summary="One sync record with its changes.",
        parameters=[_SYNC_PARAM],
        responses={200: s.SyncRecordDetailSerializer, 404: OpenApiResponse(description="No such sync."), **_ERRORS},
    )
    def get(self, request: Request, sync_id: int) -> Response:
        return Response(s.SyncRecordDetailSerializer(api.get_sync_record(sync_id)).data)


_CONFLICT = {409: OpenApiResponse(description="The sync's state forbids it; ``details.conflicts`` lists why.")}


class SyncUndoView(SyncRecordView):
    @document(
        tags=TAG,
        summary="Undo an applied sync (restores the mirror; pauses automatic sync of the course).",
        parameters=[_SYNC_PARAM],
        request=None,
        responses={200: s.SyncReportSerializer, **_CONFLICT, **_ERRORS},
    )
    def post(self, request: Request, sync_id: int) -> Response:
        return Response(sync_result_to_dict(api.undo_sync(sync_id, requested_by=request.user)))


class SyncApproveView(SyncRecordView):
    @document(
        tags=TAG,
        summary="Apply a change set held for review.",
        parameters=[_SYNC_PARAM],
        request=None,
        responses={200: s.SyncReportSerializer, **_CONFLICT, **_ERRORS},
    )
    def post(self, request: Request, sync_id: int) -> Response:
        return Response(sync_result_to_dict(api.approve_held_sync(sync_id, requested_by=request.user)))


class SyncRejectView(SyncRecordView):
    @document(
        tags=TAG,
        summary="Reject a change set held for review (nothing is applied).",
        parameters=[_SYNC_PARAM],
        request=None,
        responses={200: s.SyncRecordDetailSerializer, **_CONFLICT, **_ERRORS},
    )
    def post(self, request: Request, sync_id: int) -> Response:
        record = api.reject_held_sync(sync_id, requested_by=request.user)
        return Response(s.SyncRecordDetailSerializer(record).data)


class CourseSyncSettingsView(CourseSyncView):
    @document(
        tags=TAG,
        summary="The course's sync settings (review policy, paused state).",
        parameters=[_COURSE_PARAM],
        responses={200: s.SyncSettingsSerializer, **_ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        return Response(s.SyncSettingsSerializer(api.get_sync_settings(self.get_course_key())).data)

    @document(
        tags=TAG,
        summary="Change the review policy, or resume automatic sync (``paused: false``).",
        parameters=[_COURSE_PARAM],
        request=s.SyncSettingsSerializer,
        responses={200: s.SyncSettingsSerializer, **_ERRORS},
    )
    def patch(self, request: Request, course_key: str) -> Response:
        key = self.get_course_key()
        body = s.SyncSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        settings = api.get_sync_settings(key)
        if "policy" in data:
            settings = api.set_sync_policy(key, data["policy"])
        if data.get("paused") is False:
            settings = api.resume_auto_sync(key)
        return Response(s.SyncSettingsSerializer(settings).data)
