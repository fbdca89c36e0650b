"""The question tables: constraints the rest of the bank relies on."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.questions.models import Question, QuestionVersion

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]
COURSE = CourseKey.from_string("course-v1:Vault+Q101+2026")


def test_source_usage_key_is_unique_per_course_but_nulls_are_free() -> None:
    key = COURSE.make_usage_key("problem", "p1")
    Question.objects.create(course_key=COURSE, source_usage_key=key)
    Question.objects.create(course_key=COURSE)
    Question.objects.create(course_key=COURSE)  # two hand-made questions: NULL sources never collide
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(course_key=COURSE, source_usage_key=key)


def test_version_numbers_are_unique_per_question() -> None:
    question = Question.objects.create(course_key=COURSE)
    fields = {"content": {}, "type": "multiple_choice", "content_hash": "x"}
    QuestionVersion.objects.create(question=question, number=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionVersion.objects.create(question=question, number=1, **fields)


def test_models_carry_pii_annotations() -> None:
    from ve_edu_vault.questions.models import QuestionTag

    for model in (Question, QuestionVersion, QuestionTag):
        assert ".. no_pii:" in model.__doc__ or ".. pii:" in model.__doc__
