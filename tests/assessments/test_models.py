"""The assessment tables: constraints the database itself enforces, and traceability of responses."""

from __future__ import annotations

from typing import Any

import pytest
from api_builders import by_title, learner, make_assessment, right_answers
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from hosts.standalone_platform.models import StandaloneGrade
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Accommodation, Assessment, Attempt, Response

pytestmark = [pytest.mark.django_db]


def test_one_attempt_in_progress_is_a_database_rule(make_user: Any) -> None:
    assessment = Assessment.objects.get(pk=make_assessment().id)
    user = make_user()
    fields = {"assessment": assessment, "user": user, "seed": 1, "started_at": timezone.now()}
    Attempt.objects.create(number=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(number=2, **fields)
    # finished attempts (in_progress NULL) never collide
    Attempt.objects.filter(number=1).update(state=Attempt.GRADED, in_progress=None)
    Attempt.objects.create(number=2, **fields)
    Attempt.objects.filter(number=2).update(state=Attempt.GRADED, in_progress=None)
    Attempt.objects.create(number=3, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(number=3, in_progress=None, **fields)  # numbers are unique too


def test_accommodation_unique_per_learner(make_user: Any) -> None:
    assessment = Assessment.objects.get(pk=make_assessment().id)
    user = make_user()
    Accommodation.objects.create(assessment=assessment, user=user, extra_minutes=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Accommodation.objects.create(assessment=assessment, user=user)


def test_every_response_traces_to_its_version(make_user: Any) -> None:
    from ve_edu_vault.questions.models import QuestionVersion

    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    rows = Response.objects.filter(attempt_id=view.id).select_related("question_version")
    assert rows.count() == 3
    for row in rows:
        assert row.question_version.question_id == row.question_id
        assert row.graded_at is not None and row.score == pytest.approx(1.0)
    capital = by_title(view)["Capital"]
    row = rows.get(pk=capital.response_id)
    # PROTECT: a graded version cannot disappear
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        QuestionVersion.objects.filter(pk=row.question_version_id).delete()
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.in_progress is None and attempt.submit_reason == "learner" and attempt.state == Attempt.GRADED


def test_standalone_grade_unique_per_block(make_user: Any) -> None:
    user = make_user()
    fields = {"user": user, "usage_key": "block-v1:A+B+C+type@sequential+block@s", "graded_at": timezone.now()}
    StandaloneGrade.objects.create(course_key="course-v1:A+B+C", earned=1, possible=2, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandaloneGrade.objects.create(course_key="course-v1:A+B+C", earned=2, possible=2, **fields)


def test_str_methods(make_user: Any) -> None:
    assessment = Assessment.objects.get(pk=make_assessment().id)
    assert "assessment" in str(assessment)
