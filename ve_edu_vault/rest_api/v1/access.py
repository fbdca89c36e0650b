"""
``GET courses/<course_key>/access/``: what the requesting user may do in a course.

Answers from the platform adapter (enrollment, course roles, global staff), so clients and the
pages can decide what to show; it also proves the adapter-backed permissions end to end.
"""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.schema import document
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key


class CourseAccessView(VaultAPIView):
    """The requesting user's access to a course: enrolled, course staff, global staff."""

    @document(
        responses=inline_serializer(
            "CourseAccess",
            {
                "course_key": serializers.CharField(),
                "username": serializers.CharField(),
                "enrolled": serializers.BooleanField(),
                "course_staff": serializers.BooleanField(),
                "global_staff": serializers.BooleanField(),
            },
        )
    )
    def get(self, request: Request, course_key: str) -> Response:
        key = parse_course_key(course_key)
        return Response(
            {
                "course_key": str(key),
                "username": request.user.get_username(),
                "enrolled": platform.is_enrolled(request.user, key),
                "course_staff": platform.is_course_staff(request.user, key),
                "global_staff": platform.is_global_staff(request.user),
            }
        )
