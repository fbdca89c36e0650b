"""
The statements of a submission through ``attempts/<id>/submit/`` (issue 13, ADR 0029): what the benchmark's
steady path costs the database, pinned so that a new round trip on it is a decision, not an accident.

A learner's later submission (mastery states exist): the JWT user, the attempt's access read, the enrollment, then
in one transaction the attempt's locked read, the grading's write (one statement for the responses and the attempt
on MariaDB and PostgreSQL, ADR 0036; the responses' and the attempt's UPDATEs on SQLite), mastery's locked read, its
event INSERT and state UPDATE, and the outbox's INSERT (a subscription is active) — and no SAVEPOINT: every block
nested in the grading transaction is ``atomic(savepoint=False)`` or none.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_builders import learner, make_assessment, right_answers
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ve_edu_vault.assessments import api
from ve_edu_vault.webhooks import api as webhooks

pytestmark = [pytest.mark.django_db(transaction=True)]  # the submission's own BEGIN and COMMIT, not a savepoint
SUBMIT = "/api/ve-edu-vault/v1/attempts/{}/submit/"
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)\b", re.IGNORECASE)
# (statement kind, table) of the steady path, in order; a locking read is "SELECT ... FOR UPDATE" (SQLite locks the
# whole database at BEGIN IMMEDIATE instead, so its reads carry no clause).
STEADY = [
    ("SELECT", "auth_user"),
    ("SELECT", "ve_edu_vault_attempt"),  # the access read (the attempt, its assessment and pinned versions)
    ("SELECT", "standalone_platform_standaloneenrollment"),
    ("SELECT", "ve_edu_vault_attempt"),  # locked, with its responses
    ("GRADING", ""),  # the grading's write: GRADING_WRITES of the database
    ("SELECT", "ve_edu_vault_masterystate"),  # locked
    ("INSERT", "ve_edu_vault_masteryevent"),
    ("UPDATE", "ve_edu_vault_masterystate"),
    ("INSERT", "ve_edu_vault_webhookevent"),
]
# The responses and the attempt in one statement where the database allows it (ADR 0036): MariaDB's multi-table
# UPDATE, PostgreSQL's UPDATE with a data-modifying WITH; SQLite's UPDATE names one table: one after the other.
ONE_STATEMENT = [("UPDATE", "ve_edu_vault_attempt+ve_edu_vault_response")]
GRADING_WRITES = {
    "mysql": ONE_STATEMENT,
    "postgresql": ONE_STATEMENT,
    "sqlite": [("UPDATE", "ve_edu_vault_response"), ("UPDATE", "ve_edu_vault_attempt")],
}


def steady(vendor: str) -> list[tuple[str, str]]:
    at = STEADY.index(("GRADING", ""))
    return [*STEADY[:at], *GRADING_WRITES[vendor], *STEADY[at + 1 :]]


def _shape(sql: str) -> tuple[str, str]:
    """``(kind, table)`` of a statement; a write (UPDATE, or WITH ... UPDATE) names every vault table it mentions."""
    kind = sql.split(None, 1)[0].upper()
    if kind in ("UPDATE", "WITH"):
        return "UPDATE", "+".join(sorted(set(re.findall(r"[`\"](ve_edu_vault_\w+)[`\"]", sql))))
    pattern = {"SELECT": r"\bFROM\s+[`\"]?(\w+)", "INSERT": r"INTO\s+[`\"]?(\w+)"}
    found = re.search(pattern.get(kind, r"(\w+)"), sql, re.IGNORECASE)
    return kind, found.group(1) if found else "?"


def submit_statements(make_user: Any, jwt_client: Any) -> list[str]:
    """Every statement of a learner's later submission through the REST API (after the set-up the docstring names)."""
    student, classmate = learner(make_user), learner(make_user, "classmate")
    assessments = [make_assessment(block=None, title=title) for title in ("First", "Second", "Later")]

    def attempt(assessment: Any, user: Any) -> int:
        view = api.start_attempt(assessment.id, user)
        api.save_answers(view.id, user=user, answers=right_answers(view))
        return int(view.id)

    # The student's first two submissions create the mastery states and reach one objective; the classmate's
    # submission of the last assessment caches its LTI "has links" answer (ADR 0029). What is left is the steady path.
    for assessment in assessments[:2]:
        assert jwt_client(student).post(SUBMIT.format(attempt(assessment, student))).status_code == 200
    assert jwt_client(classmate).post(SUBMIT.format(attempt(assessments[2], classmate))).status_code == 200
    later = attempt(assessments[2], student)
    client = jwt_client(student)

    with CaptureQueriesContext(connection) as captured:
        response = client.post(SUBMIT.format(later))
    assert response.status_code == 200, response.content
    assert response.json()["score"] == pytest.approx(1.0)
    return [query["sql"] for query in captured.captured_queries]


def test_a_later_submission_makes_the_steady_statements_and_no_savepoint(
    make_user: Any, jwt_client: Any, settings: Any
) -> None:
    settings.VE_EDU_VAULT_WEBHOOKS_ENABLED = True
    webhooks.create_subscription(url="http://127.0.0.1:9/hook")  # never delivered to here
    statements = submit_statements(make_user, jwt_client)

    control = [sql.split()[0].upper() for sql in statements if TRANSACTION_CONTROL.match(sql)]
    assert control == ["BEGIN", "COMMIT"], statements  # one transaction, no savepoint round trip
    shapes = [_shape(sql) for sql in statements if not TRANSACTION_CONTROL.match(sql)]
    assert shapes == steady(connection.vendor), "\n".join(statements)
    locking = [sql for sql in statements if re.search(r"FOR UPDATE|FOR SHARE|LOCK IN SHARE MODE", sql)]
    expected_locking = 0 if connection.vendor == "sqlite" else 2  # the attempt's and mastery's reads
    assert len(locking) == expected_locking, locking


def test_the_grading_is_one_write_statement_on_mariadb_and_postgresql(make_user: Any, jwt_client: Any) -> None:
    """
    The grades of every response and the attempt's close reach the database in one statement (ADR 0036): the
    submission's only write to the attempt and response tables. SQLite writes each table with its own UPDATE.
    """
    statements = submit_statements(make_user, jwt_client)
    writes = [
        sql
        for sql in statements
        if re.match(r"\s*(UPDATE|WITH|INSERT|DELETE)\b", sql, re.IGNORECASE)
        and re.search(r"[`\"]ve_edu_vault_(attempt|response)[`\"]", sql)
    ]
    assert len(writes) == (2 if connection.vendor == "sqlite" else 1), writes
    if connection.vendor != "sqlite":
        assert all(f"ve_edu_vault_{table}" in writes[0] for table in ("attempt", "response")), writes
