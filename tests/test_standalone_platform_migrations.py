"""
The stand-in platform tables leave the plugin (ve_edu_vault 0009) for the hosts' own app, both ways.

A production LMS database ends with no ``ve_edu_vault_standalone*`` table; a host database made
before the move keeps its rows (copied by hosts' standalone_platform 0001 before the plugin drops
its tables, and copied back when both are reversed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

APP, HOSTS = "ve_edu_vault", "standalone_platform"
BEFORE = (APP, "0008_question_interchange")
AFTER = (APP, "0009_standalone_platform_tables_move_to_the_hosts")
PLUGIN_TABLES = {
    "ve_edu_vault_standaloneenrollment",
    "ve_edu_vault_standalonecourserole",
    "ve_edu_vault_standalonepublishedoutline",
    "ve_edu_vault_standalonegrade",
}
COURSE = "course-v1:VE+Move+2026"


def _migrate(*targets: tuple[str, str | None]) -> Any:
    MigrationExecutor(connection).migrate(list(targets))
    named = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(named).apps


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _leaves() -> list[tuple[str, str]]:
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] in (APP, HOSTS)]


@pytest.fixture
def back_to_the_latest() -> Iterator[None]:
    yield
    _migrate(*_leaves())


def test_the_plugin_drops_its_stand_in_tables_and_the_reverse_brings_them_back(back_to_the_latest: None) -> None:
    assert not PLUGIN_TABLES & _tables(), "the latest plugin state has no stand-in platform table"
    apps = _migrate(BEFORE)
    assert _tables() >= PLUGIN_TABLES
    assert apps.get_model(APP, "StandaloneEnrollment").objects.count() == 0
    _migrate(AFTER)
    assert not PLUGIN_TABLES & _tables()
    assert "standalone_platform_standaloneenrollment" in _tables()  # the hosts' own tables stay


def test_a_host_database_made_before_the_move_keeps_its_rows_both_ways(
    back_to_the_latest: None, make_user: Any
) -> None:
    learner = make_user("moved-learner")
    _migrate(BEFORE, (HOSTS, None))  # the plugin owns the tables; the hosts' app has none yet
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ve_edu_vault_standaloneenrollment (id, user_id, course_key, is_active, created) "
            "VALUES (7, %s, %s, %s, CURRENT_TIMESTAMP)",
            [learner.pk, COURSE, True],
        )
        cursor.execute(
            "INSERT INTO ve_edu_vault_standalonecourserole (id, user_id, course_key, role) VALUES (3, %s, %s, %s)",
            [learner.pk, COURSE, "instructor"],
        )

    apps = _migrate(AFTER, (HOSTS, "0001_initial"))
    assert not PLUGIN_TABLES & _tables()
    enrollment = apps.get_model(HOSTS, "StandaloneEnrollment").objects.get()
    assert (enrollment.pk, enrollment.user_id, str(enrollment.course_key)) == (7, learner.pk, COURSE)
    assert apps.get_model(HOSTS, "StandaloneCourseRole").objects.get().role == "instructor"
    # New rows get new ids after the copied ones (PostgreSQL's sequence was moved past them).
    added = apps.get_model(HOSTS, "StandaloneEnrollment").objects.create(
        user_id=learner.pk, course_key="course-v1:VE+Other+2026"
    )
    assert added.pk > 7

    _migrate(BEFORE, (HOSTS, None))  # both reversed: the rows are back in the plugin's tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, course_key FROM ve_edu_vault_standaloneenrollment ORDER BY id")
        assert [tuple(row) for row in cursor.fetchall()] == [(7, COURSE), (added.pk, "course-v1:VE+Other+2026")]
    assert "standalone_platform_standaloneenrollment" not in _tables()
