"""
Assessment REST views for learners (LMS): list, start, autosave, check, hint, submit, result, history.

TLDR: enrolled learners act for themselves; course staff may act for a learner with
``?username=`` (resolved through the platform adapter). Endpoints under ``attempts/<id>/`` find
the attempt's course first, then apply the same rule. The api builds every learner view through
the feedback release rules, so responses carry no keys, explanations or unreleased hints.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from opaque_keys.edx.keys import CourseKey
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.rest_api.v1 import serializers as s
from ve_edu_vault.errors import NotFoundError, PermissionDeniedError
from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsEnrolledOrCourseStaff
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key

TAG = ["assessments (learner)"]
ERRORS = {
    400: OpenApiResponse(description="Invalid key or body (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not enrolled, or ``username`` given by someone who is not course staff."),
    404: OpenApiResponse(description="No such assessment or attempt (for this learner)."),
    409: OpenApiResponse(description="The attempt's state forbids it (submitted, no tries or attempts left...)."),
}
COURSE = OpenApiParameter("course_key", str, OpenApiParameter.PATH, description="e.g. course-v1:TestX+Course+1")
ASSESSMENT = id_parameter("assessment_id", "Id of an assessment.")
ATTEMPT = id_parameter("attempt_id", "Id of an attempt.")
RESPONSE = id_parameter("response_id", "Id of a response (a question).")
USERNAME = OpenApiParameter("username", str, description="Course staff only: act for this learner.")


class LearnerView(VaultAPIView):
    """Base of learner views: enrolled or course staff; ``learner()`` applies ``?username=``."""

    permission_classes = (IsAuthenticated, IsEnrolledOrCourseStaff)
    pagination_class: type[VaultPagination] | None = None

    def get_course_key(self) -> CourseKey:
        return parse_course_key(self.kwargs["course_key"])

    def learner(self) -> tuple[Any, bool]:
        """The learner acted for and whether staff is acting for them (``?username=``)."""
        username = self.request.query_params.get("username")
        user = self.request.user
        if not username or username == user.username:
            return user, False
        if not platform.is_course_staff(user, self.get_course_key()):
            raise PermissionDeniedError("Only the course's staff may act for a learner.", field="username")
        learner = platform.get_user(username)
        if learner is None:
            raise NotFoundError("No such user.", field="username")
        return learner, True


class AttemptScopedView(LearnerView):
    """
    Base of ``attempts/<attempt_id>/...`` views: the course is the attempt's assessment's course.

    ``owner()`` is read once, before the permission check, to find the course; nothing of it is
    sent. ``learner_for_attempt()`` then applies ``?username=`` and answers 404 unless the attempt
    is that learner's (the api trusts ``acting_as_staff`` without looking at the learner).
    """

    _owner: api.AttemptAccess | None = None

    def owner(self) -> api.AttemptAccess:
        """The attempt's course, learner and deadline (``api.attempt_access``: one read, before permissions)."""
        if self._owner is None:
            self._owner = api.attempt_access(int(self.kwargs["attempt_id"]))
        return self._owner

    def get_course_key(self) -> CourseKey:
        return self.owner().course_key

    def check_permissions(self, request: Request) -> None:
        """
        Anyone signed in but the attempt's learner and its course's staff gets the 404 of an unknown id.

        A 403 (not enrolled), or a 400 for a body checked before the owner, would tell a guesser that
        the id names someone's attempt, and in which course (issue 18, the permission matrix).
        """
        try:
            super().check_permissions(request)
        except exceptions.PermissionDenied:
            raise self._unknown() from None
        access = self.owner()
        if access.user_id != request.user.pk and not platform.is_course_staff(request.user, access.course_key):
            raise self._unknown()

    def _unknown(self) -> NotFoundError:
        return NotFoundError(f"No attempt {self.kwargs['attempt_id']}.")

    def learner_for_attempt(self) -> tuple[Any, bool]:
        """(learner, acting as staff); a 404 unless the attempt is the learner's."""
        learner, as_staff = self.learner()
        if self.owner().user_id != learner.pk:
            raise self._unknown()
        return learner, as_staff


class LearnerAssessmentListView(LearnerView):
    pagination_class = VaultPagination  # a course's assessments accumulate: paginated

    @document(
        tags=TAG,
        summary="The course's open and past assessments for the learner (paginated).",
        parameters=[COURSE, USERNAME],
        responses={200: s.LearnerAssessmentSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, course_key: str) -> Response:
        learner, _ = self.learner()
        items = api.list_learner_assessments(self.get_course_key(), learner)
        return self.paginated(items, lambda page: s.LearnerAssessmentSerializer(page, many=True).data)


class AssessmentScopedView(LearnerView):
    """Base of ``assessments/<assessment_id>/...`` views."""

    def _assessment_id(self) -> int:
        """The URL's assessment id, 404 unless the assessment belongs to the URL's course."""
        assessment_id = int(self.kwargs["assessment_id"])
        api.get_assessment(assessment_id, course_key=self.get_course_key())
        return assessment_id


class AttemptsView(AssessmentScopedView):
    pagination_class = VaultPagination  # without an attempt limit, a learner's attempts accumulate: paginated

    @document(
        tags=TAG,
        summary="The learner's attempts of the assessment (history, paginated).",
        parameters=[COURSE, ASSESSMENT, USERNAME],
        responses={200: s.AttemptSummarySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response:
        learner, _ = self.learner()
        items = api.list_attempts(self._assessment_id(), user=learner)
        return self.paginated(items, lambda page: s.AttemptSummarySerializer(page, many=True).data)

    @document(
        tags=TAG,
        summary="Start an attempt (or get the one in progress).",
        request=None,
        parameters=[COURSE, ASSESSMENT, USERNAME],
        responses={201: s.AttemptViewSerializer, **ERRORS},
    )
    def post(self, request: Request, course_key: str, assessment_id: int) -> Response:
        learner, _ = self.learner()
        attempt = api.start_attempt(self._assessment_id(), learner)
        return Response(s.render(s.AttemptViewSerializer, attempt), status=status.HTTP_201_CREATED)


class CurrentAttemptView(AssessmentScopedView):
    """
    The learner's attempt in progress, or ``null``.

    No attempt in progress is the normal state of an assessment page, not a missing resource: the answer
    is 200 with a ``null`` body, so that a page asking on every load logs no error (404s are for an
    unknown assessment or course).
    """

    @document(
        tags=TAG,
        summary="The attempt in progress, or null when there is none.",
        parameters=[COURSE, ASSESSMENT, USERNAME],
        responses={
            200: OpenApiResponse(
                response={"allOf": [{"$ref": "#/components/schemas/AttemptView"}], "nullable": True},
                description="The attempt in progress, or the JSON literal null when there is none.",
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, course_key: str, assessment_id: int) -> Response | JsonResponse:
        learner, _ = self.learner()
        attempt = api.get_current_attempt(self._assessment_id(), learner)
        if attempt is None:
            return JsonResponse(None, safe=False)  # the JSON literal null (DRF renders None as an empty body)
        return Response(s.render(s.AttemptViewSerializer, attempt))


class AttemptDetailView(AttemptScopedView):
    @document(
        tags=TAG,
        summary="An attempt as the learner sees it now.",
        parameters=[ATTEMPT, USERNAME],
        responses={200: s.AttemptViewSerializer, **ERRORS},
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        learner, as_staff = self.learner_for_attempt()
        attempt = api.get_attempt(attempt_id, user=learner, acting_as_staff=as_staff, access=self.owner())
        return Response(s.render(s.AttemptViewSerializer, attempt))


class AnswersView(AttemptScopedView):
    def _save(self, request: Request, attempt_id: int) -> Response:
        body = s.AnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        learner, as_staff = self.learner_for_attempt()
        attempt = api.save_answers(
            attempt_id,
            user=learner,
            answers=body.validated_data["answers"],
            acting_as_staff=as_staff,
            access=self.owner(),
        )
        return Response(s.render(s.AttemptViewSerializer, attempt))

    @document(
        tags=TAG,
        summary="Autosave answers: {response_id: answer}; the responses not sent are kept.",
        parameters=[ATTEMPT, USERNAME],
        request=s.AnswersSerializer,
        responses={200: s.AttemptViewSerializer, **ERRORS},
    )
    def put(self, request: Request, attempt_id: int) -> Response:
        return self._save(request, attempt_id)

    @document(
        tags=TAG,
        summary="Autosave answers (same as PUT).",
        parameters=[ATTEMPT, USERNAME],
        # PUT's body, ``answers`` required: drf-spectacular would declare a serializer partial for PATCH.
        request={"application/json": {"$ref": "#/components/schemas/Answers"}},
        responses={200: s.AttemptViewSerializer, **ERRORS},
    )
    def patch(self, request: Request, attempt_id: int) -> Response:
        return self._save(request, attempt_id)


class CheckView(AttemptScopedView):
    @document(
        tags=TAG,
        summary="Check one answer (immediate or interactive behaviour); saves it first.",
        parameters=[ATTEMPT, RESPONSE, USERNAME],
        request=s.CheckSerializer,
        responses={200: s.QuestionViewSerializer, **ERRORS},
    )
    def post(self, request: Request, attempt_id: int, response_id: int) -> Response:
        body = s.CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        learner, as_staff = self.learner_for_attempt()
        if "answer" in body.validated_data:
            answer = body.validated_data["answer"]
        else:
            attempt = api.get_attempt(attempt_id, user=learner, acting_as_staff=as_staff, access=self.owner())
            answer = next((q.answer for q in attempt.questions if q.response_id == response_id), None)
        question = api.check_answer(
            attempt_id,
            user=learner,
            response_id=response_id,
            answer=answer,
            acting_as_staff=as_staff,
            access=self.owner(),
        )
        return Response(s.render(s.QuestionViewSerializer, question))


class HintView(AttemptScopedView):
    @document(
        tags=TAG,
        summary="Release the next hint of a question.",
        request=None,
        parameters=[ATTEMPT, RESPONSE, USERNAME],
        responses={200: s.QuestionViewSerializer, **ERRORS},
    )
    def post(self, request: Request, attempt_id: int, response_id: int) -> Response:
        learner, as_staff = self.learner_for_attempt()
        question = api.request_hint(
            attempt_id, user=learner, response_id=response_id, acting_as_staff=as_staff, access=self.owner()
        )
        return Response(s.render(s.QuestionViewSerializer, question))


class SubmitView(AttemptScopedView):
    @document(
        tags=TAG,
        summary="Submit the attempt. After the deadline (the page's timer ran out) it is an expiry submission.",
        parameters=[ATTEMPT, USERNAME],
        request=None,
        responses={200: s.AttemptResultSerializer, **ERRORS},
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        learner, as_staff = self.learner_for_attempt()
        deadline = self.owner().deadline
        # The page's countdown reached zero and no worker submitted yet: an expiry submission.
        expired = deadline is not None and timezone.now() >= deadline
        reason = "timer" if expired else ("staff" if as_staff else "learner")
        result = api.submit_attempt(
            attempt_id,
            user=learner,
            reason=reason,
            acting_as_staff=as_staff,
            access=self.owner(),
            staff=request.user if as_staff else None,
        )
        return Response(s.render(s.AttemptResultSerializer, result))


class ResultView(AttemptScopedView):
    @document(
        tags=TAG,
        summary="The attempt's result, with what the feedback policy releases now.",
        parameters=[ATTEMPT, USERNAME],
        responses={200: s.AttemptResultSerializer, **ERRORS},
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        learner, as_staff = self.learner_for_attempt()
        result = api.get_attempt_result(attempt_id, user=learner, acting_as_staff=as_staff, access=self.owner())
        return Response(s.render(s.AttemptResultSerializer, result))


class GradeChangeView(AttemptScopedView):
    """Course staff change a graded attempt's points by hand; the attempt's own learner gets a 403, others a 404."""

    @document(
        tags=TAG,
        summary="Change a graded attempt's points by hand (course staff), with a reason. Audited; the grade is "
        "published again (LMS gradebook, LTI AGS) and an attempt.graded webhook event is sent.",
        parameters=[ATTEMPT],
        request=s.GradeChangeRequestSerializer,
        responses={200: s.GradeChangeSerializer, **ERRORS},
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        if not platform.is_course_staff(request.user, self.owner().course_key):
            raise PermissionDeniedError("Only the course's staff may change a grade.")
        body = request.data if isinstance(request.data, dict) else {}
        change = api.change_attempt_grade(
            attempt_id, earned=body.get("earned"), reason=body.get("reason"), staff=request.user
        )
        return Response(s.GradeChangeSerializer(change).data)
