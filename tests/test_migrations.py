"""
Migrations are reversible and keep data both ways: the whole history down to zero and back, and the
grade-report outbox's move from its own table onto the attempt row (0006) with queued reports in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

APP = "ve_edu_vault"
BEFORE_MOVE = [(APP, "0005_grade_report_outbox")]
AFTER_MOVE = [(APP, "0006_grade_report_on_attempt")]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to ``targets`` and return the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    named = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(named).apps if named else None


def _leaf() -> list[tuple[str, str]]:
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == APP]


@pytest.fixture
def back_to_the_latest() -> Iterator[None]:
    yield
    _migrate(_leaf())


def test_the_whole_history_reverses_to_zero_and_applies_again(back_to_the_latest: None) -> None:
    _migrate([(APP, None)])
    assert not any(name.startswith(f"{APP}_") for name in connection.introspection.table_names())
    _migrate(_leaf())
    assert f"{APP}_attempt" in connection.introspection.table_names()


def test_queued_grade_reports_move_onto_attempts_and_back(back_to_the_latest: None, make_user: Any) -> None:
    first, second = make_user("first"), make_user("second")
    apps = _migrate(BEFORE_MOVE)
    assessment = apps.get_model(APP, "Assessment").objects.create(
        course_key="course-v1:VE+Migrate+2026", title="Quiz", config={}
    )
    attempt_model = apps.get_model(APP, "Attempt")
    started = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

    def attempt(user: Any, number: int, state: str = "graded") -> Any:
        return attempt_model.objects.create(
            assessment=assessment,
            user_id=user.pk,
            number=number,
            state=state,
            seed=1,
            started_at=started,
            in_progress=None if state != "in_progress" else True,
        )

    older, latest, other = attempt(first, 1), attempt(first, 2), attempt(second, 1)
    due = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    pending = apps.get_model(APP, "PendingGradeReport").objects
    # Two queued rows for the first learner (one retried), one for the second.
    pending.create(
        assessment=assessment, user_id=first.pk, due_at=due + timedelta(minutes=5), tries=2, last_error="down"
    )
    pending.create(assessment=assessment, user_id=first.pk, due_at=due, tries=0)
    pending.create(assessment=assessment, user_id=second.pk, due_at=due, tries=0)

    apps = _migrate(AFTER_MOVE)
    marks = {
        row[0]: row[1:]
        for row in apps.get_model(APP, "Attempt").objects.values_list(
            "id", "report_due_at", "report_tries", "report_error"
        )
    }
    assert marks[older.pk] == (None, 0, "")
    assert marks[latest.pk] == (due, 2, "down")  # the learner's latest graded attempt, earliest due, most tries
    assert marks[other.pk] == (due, 0, "")

    apps = _migrate(BEFORE_MOVE)
    rows = sorted(
        apps.get_model(APP, "PendingGradeReport").objects.values_list("user_id", "due_at", "tries", "last_error")
    )
    assert rows == sorted([(first.pk, due, 2, "down"), (second.pk, due, 0, "")])


def _history() -> list[tuple[str, str]]:
    """The app's migrations in the order they apply."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(_leaf(), clean_start=True)
    return [(migration.app_label, migration.name) for migration, _backwards in plan if migration.app_label == APP]


def test_every_migration_reverses_and_reapplies_on_its_own(back_to_the_latest: None) -> None:
    """Each step down and up again from its predecessor, so every reverse is exercised after a forward."""
    history = _history()
    assert len(history) >= 12
    _migrate([(APP, None)])
    previous: tuple[str, str | None] = (APP, None)
    for step in history:
        _migrate([step])
        tables = set(connection.introspection.table_names())
        _migrate([previous])
        _migrate([step])
        assert set(connection.introspection.table_names()) == tables, f"{step[1]} did not come back the same"
        previous = step


def test_the_audit_log_is_filled_from_the_audit_records_before_it(back_to_the_latest: None, make_user: Any) -> None:
    teacher, learner = make_user("teacher"), make_user("learner")
    apps = _migrate([(APP, "0011_course_node_display_name_text")])
    assessment = apps.get_model(APP, "Assessment").objects.create(
        course_key="course-v1:VE+Migrate+2026", title="Quiz", config={}
    )
    apps.get_model(APP, "Accommodation").objects.create(
        assessment=assessment, user_id=learner.pk, extra_minutes=15, set_by_id=teacher.pk
    )
    apps.get_model(APP, "RetirementRecord").objects.create(
        user_id=4242, retired_at=datetime(2026, 11, 1, tzinfo=UTC), signals=["USER_RETIRE_LMS_MISC"], counts={}
    )
    apps.get_model(APP, "AssessmentBlockChange").objects.create(
        usage_key="block-v1:VE+Migrate+2026+type@ve_vault_assessment+block@q",
        action="bound",
        assessment_id=assessment.pk,
        changed_by_id=teacher.pk,
    )
    apps = _migrate([(APP, "0012_audit_log_and_protected_learner_data")])
    rows = {
        row[0]: (str(row[1]) if row[1] is not None else None, *row[2:])
        for row in apps.get_model(APP, "AuditEntry").objects.values_list(
            "action", "course_key", "actor_id", "learner_id", "object_type"
        )
    }
    assert rows["accommodation_set"] == ("course-v1:VE+Migrate+2026", teacher.pk, learner.pk, "accommodation")
    assert rows["learner_retired"] == (None, None, 4242, "user")
    assert rows["block_bound"] == ("course-v1:VE+Migrate+2026", teacher.pk, None, "block")
    _migrate([(APP, "0011_course_node_display_name_text")])
    assert f"{APP}_auditentry" not in connection.introspection.table_names()
    assert apps.get_model(APP, "Accommodation").objects.count() == 1  # the records it came from are untouched


BEFORE_PLAIN_IDS = [(APP, "0024_audit_lti_assessment_created")]
AFTER_PLAIN_IDS = [(APP, "0025_regrade_run_question_without_constraint")]


def _foreign_key_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {column for item in constraints.values() if item["foreign_key"] for column in item["columns"]}


def test_regrade_runs_refer_to_questions_without_a_constraint_and_back(back_to_the_latest: None) -> None:
    """
    ADR 0027: a regrade run's question and corrected version are plain ids in the database (the bank may be in
    MongoDB); the reverse puts the constraints back, and the runs survive both ways.
    """
    apps = _migrate(BEFORE_PLAIN_IDS)
    table = f"{APP}_regraderun"
    assert {"question_id", "to_version_id"} <= _foreign_key_columns(table)
    question = apps.get_model(APP, "Question").objects.create(course_key="course-v1:VE+Migrate+2026")
    version = apps.get_model(APP, "QuestionVersion").objects.create(
        question=question, number=1, content={}, type="numeric", content_hash="0" * 64
    )
    runs = apps.get_model(APP, "RegradeRun").objects
    kept = runs.create(course_key="course-v1:VE+Migrate+2026", question=question, to_version=version)
    with pytest.raises(IntegrityError):  # a question only MongoDB holds cannot be named before the change
        runs.create(course_key="course-v1:VE+Migrate+2026", question_id=question.pk + 1000, to_version=version)

    apps = _migrate(AFTER_PLAIN_IDS)
    assert not {"question_id", "to_version_id"} & _foreign_key_columns(table)
    runs = apps.get_model(APP, "RegradeRun").objects
    elsewhere = runs.create(
        course_key="course-v1:VE+Migrate+2026", question_id=question.pk + 1000, to_version_id=version.pk + 1000
    )
    assert set(runs.values_list("question_id", "to_version_id")) == {
        (question.pk, version.pk),
        (question.pk + 1000, version.pk + 1000),
    }
    # Back on the ORM, every run's question is in SQL again (vault_copy_storage copies the bank first).
    runs.filter(pk=elsewhere.pk).delete()

    apps = _migrate(BEFORE_PLAIN_IDS)
    assert {"question_id", "to_version_id"} <= _foreign_key_columns(table)
    assert list(apps.get_model(APP, "RegradeRun").objects.values_list("pk", "question_id")) == [(kept.pk, question.pk)]
