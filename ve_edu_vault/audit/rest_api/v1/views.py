"""
The audit log REST view (Studio, course staff): ``GET courses/<course_key>/audit/``, newest first, paginated.

``?action=`` narrows to one action (one of ``audit.api.ACTIONS``), ``?learner_id=`` to one learner.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from opaque_keys.edx.keys import CourseKey
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.audit import api
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff
from ve_edu_vault.rest_api.schema import document
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["audit (authoring)"]
ERRORS = {
    400: OpenApiResponse(description="Invalid course key or filter (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not staff of the course."),
}


class AuditEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=api.ACTIONS)
    course_key = serializers.CharField(allow_null=True)
    actor_id = serializers.IntegerField(allow_null=True)
    actor_username = serializers.CharField(allow_null=True)
    learner_id = serializers.IntegerField(allow_null=True)
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    details = serializers.DictField()
    created = serializers.DateTimeField()


def _entry(entry: api.AuditEntryData) -> dict[str, Any]:
    data = asdict(entry)
    data["course_key"] = str(entry.course_key) if entry.course_key is not None else None
    return data


class CourseAuditView(VaultAPIView):
    # Studio's authoring API: an LTI launch token (the learner's pages in a platform's frame) is refused here.
    accepts_lti_launch = False
    permission_classes = (IsAuthenticated, IsCourseStaff)

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])

    @document(
        tags=TAG,
        summary="The course's audit log of staff actions, newest first (paginated).",
        parameters=[
            OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1"),
            OpenApiParameter("action", str, enum=list(api.ACTIONS), description="Only this action."),
            OpenApiParameter("learner_id", int, description="Only entries about this learner."),
        ],
        responses={200: AuditEntrySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        action = request.query_params.get("action") or None
        if action is not None and action not in api.ACTIONS:
            raise ValidationError(f"action must be one of {', '.join(api.ACTIONS)}.", field="action")
        raw_learner = request.query_params.get("learner_id") or None
        learner_id = None
        if raw_learner is not None:
            if not raw_learner.isascii() or not raw_learner.isdigit() or len(raw_learner) > 18:
                raise ValidationError("learner_id must be a user id.", field="learner_id")
            learner_id = int(raw_learner)
        entries = api.list_entries(self.get_course_key(), action=action, learner_id=learner_id)
        paginator = VaultPagination()
        page = paginator.paginate_queryset(entries, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([_entry(entry) for entry in page or []])
