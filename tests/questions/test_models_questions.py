"""The question tables: constraints the rest of the bank relies on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


#: Where a read may join the question tables in SQL: the questions applet itself, and the ORM attempt repository's
#: access read (it exists only where the bank is in SQL too: one setting chooses both backends, ADR 0027).
JOINS_ALLOWED = ("questions/", "assessments/repositories/django_orm.py", "migrations/")
BANK_LOOKUPS = ("question__", "question_version__", "to_version__", "ve_edu_vault_question")


def _code_strings_and_names(tree: Any) -> Iterator[str]:
    """String constants that are not docstrings, and names, of a module's syntax tree."""
    import ast

    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr


def test_no_read_outside_the_bank_joins_the_question_tables() -> None:
    """On the MongoDB backend the bank is not in SQL: a join from another applet's read would find nothing."""
    import ast
    from pathlib import Path

    import ve_edu_vault

    package = Path(ve_edu_vault.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative.startswith(JOINS_ALLOWED):
            continue
        for value in _code_strings_and_names(ast.parse(path.read_text())):
            if value == "VERSION_WITH_NODE" or any(lookup in value for lookup in BANK_LOOKUPS):
                found.append(f"{relative}: {value}")
    assert found == []
