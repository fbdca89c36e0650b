"""
Migrations are reversible and keep data both ways: the whole history down to zero and back, and the
grade-report outbox's move from its own table onto the attempt row (0006) with queued reports in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
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
