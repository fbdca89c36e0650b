"""
Mastery REST views (LMS).

TLDR: ``GET courses/<course_key>/mastery/`` is the learner's progress per objective (enrolled learners for
themselves; course staff for anyone with ``?username=``). ``GET .../mastery/objectives/<objective_key>/`` is staff
only: who has mastered the objective. ``GET .../objectives/<objective_key>/explanation/`` explains one learner's
state in plain words with every response that moved it (a learner may read their own; staff any, ``?username=``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from opaque_keys.edx.keys import CourseKey
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.errors import PermissionDeniedError
from ve_edu_vault.mastery import api
from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsCourseStaff, IsEnrolledOrCourseStaff
from ve_edu_vault.rest_api.schema import document
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["mastery"]
ERRORS = {
    400: OpenApiResponse(description="Invalid key (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not enrolled, or staff-only data asked for by someone who is not staff."),
    404: OpenApiResponse(description="No such objective in the course, or no such user."),
}
COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
OBJECTIVE = OpenApiParameter("objective_key", str, OpenApiParameter.PATH, description="Usage key of an objective.")
USERNAME = OpenApiParameter("username", str, description="Course staff only: this learner.")
PROGRESS_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "objective_key": serializers.CharField(),
    "display_name": serializers.CharField(),
    "mastered": serializers.BooleanField(),
    "probability": serializers.FloatField(allow_null=True),
    "evidence_count": serializers.IntegerField(),
    "policy": serializers.CharField(),
    "summary": serializers.CharField(),
}
PROGRESS_LIST = inline_serializer("ObjectiveProgress", dict(PROGRESS_FIELDS), many=True)


def _plain(value: Any) -> Any:
    data = asdict(value)
    for entry in data.get("history", ()):
        entry["at"] = entry["at"].isoformat() if entry.get("at") is not None else None
    return data


class MasteryView(VaultAPIView):
    permission_classes: tuple[type[BasePermission], ...] = (IsAuthenticated, IsEnrolledOrCourseStaff)
    pagination_class: type[VaultPagination] | None = None

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])

    def learner(self) -> Any:
        """The request's user, or the ``?username=`` learner for course staff."""
        username = self.request.query_params.get("username")
        user = self.request.user
        if not username or username == user.username:
            return user
        if not platform.is_course_staff(user, self.get_course_key()):
            raise PermissionDeniedError("Only the course's staff may read another learner's mastery.", field="username")
        return api.user_by_username(username)


class LearnerMasteryView(MasteryView):
    etag = True  # a 304 while the learner's mastery is unchanged
    pagination_class = VaultPagination  # one row per objective of the course: paginated

    @document(
        tags=TAG,
        summary="The learner's progress per objective (paginated).",
        parameters=[COURSE, USERNAME],
        responses={200: PROGRESS_LIST, **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        items = api.get_learner_mastery(self.get_course_key(), self.learner())
        return self.paginated(items, lambda page: [asdict(item) for item in page])


class ObjectiveMasteryView(MasteryView):
    permission_classes = (IsAuthenticated, IsCourseStaff)

    @document(
        tags=TAG,
        summary="Who has mastered an objective (course staff).",
        parameters=[COURSE, OBJECTIVE],
        responses={200: OpenApiResponse(description="The objective and its learners."), **ERRORS},
    )
    def get(self, request: Request, course_key: str, objective_key: str) -> Response:
        return Response(_plain(api.get_objective_mastery(self.get_course_key(), objective_key)))


class MasteryExplanationView(MasteryView):
    @document(
        tags=TAG,
        summary="A learner's mastery of an objective in plain words, with each response that moved it.",
        parameters=[COURSE, OBJECTIVE, USERNAME],
        responses={200: OpenApiResponse(description="The state, its summary and its history."), **ERRORS},
    )
    def get(self, request: Request, course_key: str, objective_key: str) -> Response:
        return Response(_plain(api.explain(self.get_course_key(), self.learner(), objective_key)))
