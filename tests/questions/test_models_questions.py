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


#: The only tables outside the questions applet whose references to questions may carry a database constraint:
#: responses live in SQL only on the ORM backend, where the bank is in SQL too (ADR 0027).
CONSTRAINED_ELSEWHERE = {("Response", "question"), ("Response", "question_version")}


def test_tables_that_stay_in_sql_refer_to_the_bank_without_a_constraint() -> None:
    """With the mongodb backend the bank is in MongoDB: a constraint from a table that stays in SQL would break."""
    from django.apps import apps

    bank = {Question, QuestionVersion}
    constrained = {
        (model.__name__, field.name)
        for model in apps.get_app_config("ve_edu_vault").get_models()
        if not model.__module__.startswith("ve_edu_vault.questions.")
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in bank and field.db_constraint
    }
    assert constrained == CONSTRAINED_ELSEWHERE
