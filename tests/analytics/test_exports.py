"""
Streaming exports: the command's and the REST endpoint's rows against the stored attempts and responses, in CSV,
JSON Lines and Parquet, with the filters, anonymous ids by default, and the refusals.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.builders import START, add_attempt, assessment_with_questions, learners
from tests.assessments.api_builders import COURSE
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.data_stats import ExportFilter
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.platform import api as platform

pytestmark = pytest.mark.django_db

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/"
RESPONSE_COLUMNS = [
    "response_id",
    "attempt_id",
    "assessment_id",
    "learner",
    "question_id",
    "version",
    "position",
    "score",
    "max_score",
    "correct",
    "tries_used",
    "hints_shown",
    "submitted_at",
    "graded_at",
]


@pytest.fixture
def scenario(make_user: Any) -> dict[str, Any]:
    """Four learners, two attempts each an hour apart (the second better), on the builders' three questions."""
    created, versions = assessment_with_questions()
    users = learners(make_user, 4)
    for index, user in enumerate(users):
        add_attempt(created.id, user, versions, [1.0, 0.0, float(index % 2)], number=1)
        add_attempt(created.id, user, versions, [1.0, 1.0, 1.0], number=2)  # started an hour after the first
    return {"assessment": created, "versions": versions, "users": users}


def export(tmp_path: Any, *args: str) -> tuple[bytes, str]:
    target = tmp_path / "export.out"
    err = io.StringIO()
    call_command("vault_export", *args, "--output", str(target), stderr=err)
    return target.read_bytes(), err.getvalue()


def csv_rows(tmp_path: Any, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(tmp_path, *args)[0].decode())))


def expected_responses(assessment_id: int) -> list[dict[str, Any]]:
    rows = Response.objects.filter(attempt__assessment_id=assessment_id).select_related("attempt", "question_version")
    ids = platform.anonymous_ids({row.attempt.user_id for row in rows}, COURSE)
    return [
        {
            "response_id": row.id,
            "attempt_id": row.attempt_id,
            "learner": ids[row.attempt.user_id],
            "question_id": row.question_id,
            "version": row.question_version.number,
            "score": row.score * row.points,
            "max_score": row.points,
            "submitted_at": row.attempt.submitted_at,
        }
        for row in rows.order_by("attempt_id", "position")
    ]


def test_responses_csv_has_every_response_with_anonymous_learners(scenario: dict[str, Any], tmp_path: Any) -> None:
    data, progress = export(tmp_path, "responses", "--course", str(COURSE))
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert list(rows[0]) == RESPONSE_COLUMNS
    expected = expected_responses(scenario["assessment"].id)
    assert len(rows) == len(expected) == 24
    for row, want in zip(rows, expected, strict=True):
        assert int(row["response_id"]) == want["response_id"] and int(row["attempt_id"]) == want["attempt_id"]
        assert row["learner"] == want["learner"] and len(row["learner"]) == 32
        assert int(row["question_id"]) == want["question_id"] and int(row["version"]) == want["version"]
        assert float(row["score"]) == want["score"] and float(row["max_score"]) == want["max_score"]
        assert row["submitted_at"] == want["submitted_at"].isoformat()
        assert row["correct"] == str(want["score"] == want["max_score"])  # True/False on every database
    usernames = {user.username for user in scenario["users"]}
    assert not any(name in data.decode() for name in usernames)
    assert "responses [" in progress and "24/24" in progress


def test_jsonl_and_parquet_carry_the_same_rows(scenario: dict[str, Any], tmp_path: Any) -> None:
    from_csv = csv_rows(tmp_path, "responses", "--course", str(COURSE))
    lines = export(tmp_path, "responses", "--course", str(COURSE), "--format", "jsonl")[0].decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert list(records[0]) == RESPONSE_COLUMNS
    assert [r["response_id"] for r in records] == [int(r["response_id"]) for r in from_csv]
    assert [r["learner"] for r in records] == [r["learner"] for r in from_csv]
    table = pq.read_table(io.BytesIO(export(tmp_path, "responses", "--course", str(COURSE), "--format", "parquet")[0]))
    assert table.column_names == RESPONSE_COLUMNS
    assert table.column("response_id").to_pylist() == [r["response_id"] for r in records]
    assert table.column("score").to_pylist() == [r["score"] for r in records]
    assert table.column("submitted_at").to_pylist()[0].isoformat() == records[0]["submitted_at"]


def test_filters_assessment_dates_and_first_or_last(scenario: dict[str, Any], tmp_path: Any) -> None:
    aid = scenario["assessment"].id
    first = csv_rows(tmp_path, "attempts", "--course", str(COURSE), "--attempts", "first")
    assert len(first) == 4 and {row["number"] for row in first} == {"1"}
    last = csv_rows(tmp_path, "attempts", "--course", str(COURSE), "--attempts", "last", "--assessment", str(aid))
    assert {row["number"] for row in last} == {"2"} and {row["fraction"] for row in last} == {"1.0"}
    # The second attempts start an hour after the first (builders.add_attempt): --since between them.
    since = (START + timedelta(minutes=90)).isoformat()
    later = csv_rows(tmp_path, "responses", "--course", str(COURSE), "--since", since)
    assert len(later) == 12 and {row["attempt_id"] for row in later} == {
        str(pk) for pk in Attempt.objects.filter(number=2).values_list("pk", flat=True)
    }
    none = export(tmp_path, "responses", "--course", str(COURSE), "--until", START.date().isoformat())[0].decode()
    assert none.splitlines() == [",".join(RESPONSE_COLUMNS)]


def test_item_stats_and_mastery_exports(scenario: dict[str, Any], tmp_path: Any) -> None:
    stats = list(csv.DictReader(io.StringIO(export(tmp_path, "item_stats", "--course", str(COURSE))[0].decode())))
    assert [(int(r["question_id"]), int(r["attempts"])) for r in stats] == [
        (v.question_id, 8) for v in scenario["versions"]
    ]
    assert float(stats[0]["facility"]) == 1.0
    data = export(tmp_path, "mastery", "--course", str(COURSE), "--format", "jsonl")[0].decode()
    assert data == ""  # the builders' rows bypass grading, so no mastery evidence: an empty export, not an error


def test_keyset_pages_cover_every_row_once_in_order(scenario: dict[str, Any]) -> None:
    aid = scenario["assessment"].id
    repository = assessments.get_repository()
    pages = list(repository.export_attempt_rows([aid], batch=3))
    assert [len(page) for page in pages] == [3, 3, 2]
    assert [row.id for page in pages for row in page] == sorted(Attempt.objects.values_list("id", flat=True))
    pages = list(repository.export_response_rows([aid], batch=3))  # three attempts' responses a page
    assert [len(page) for page in pages] == [9, 9, 6]
    ids = [row.id for page in pages for row in page]
    assert ids == list(Response.objects.order_by("attempt_id", "position").values_list("id", flat=True))
    best = [row for page in repository.export_attempt_rows([aid], ExportFilter(choice="best"), batch=2) for row in page]
    assert sorted(row.number for row in best) == [2, 2, 2, 2]
    assert repository.count_export([aid]) == (8, 24)


def test_command_refusals(scenario: dict[str, Any], tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="valid course key"):
        export(tmp_path, "responses", "--course", "not-a-key")
    with pytest.raises(CommandError, match="since"):
        export(tmp_path, "responses", "--course", str(COURSE), "--since", "yesterday")
    with pytest.raises(CommandError, match="No assessment"):
        export(tmp_path, "responses", "--course", "course-v1:Other+X+1", "--assessment", str(scenario["assessment"].id))


# REST


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def course_staff(make_user: Any) -> Any:
    user = make_user("course_staff")
    grant_course_role(user, COURSE)
    return user


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_rest_streams_csv_to_course_staff(scenario: dict[str, Any], course_staff: Any) -> None:
    response = client_for(course_staff).get(f"{API}exports/responses/")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="course-v1_Vault_Exam101_2026-responses-')
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert [int(r["response_id"]) for r in rows] == [
        r["response_id"] for r in expected_responses(scenario["assessment"].id)
    ]
    jsonl = client_for(course_staff).get(f"{API}exports/attempts/", {"file_format": "jsonl", "attempts": "first"})
    assert jsonl["Content-Type"] == "application/jsonl"
    assert len(body(jsonl).decode().splitlines()) == 4
    parquet = client_for(course_staff).get(f"{API}exports/item_stats/", {"file_format": "parquet"})
    assert pq.read_table(io.BytesIO(body(parquet))).num_rows == 3


def test_rest_usernames_only_for_global_staff(scenario: dict[str, Any], course_staff: Any, staff_user: Any) -> None:
    refused = client_for(course_staff).get(f"{API}exports/responses/", {"identity": "username"})
    assert refused.status_code == 403 and "global staff" in refused.json()["message"]
    allowed = client_for(staff_user).get(f"{API}exports/attempts/", {"identity": "username"})
    names = {row["learner"] for row in csv.DictReader(io.StringIO(body(allowed).decode()))}
    assert names == {user.username for user in scenario["users"]}


def test_rest_refusals(scenario: dict[str, Any], course_staff: Any, make_user: Any) -> None:
    staff = client_for(course_staff)
    assert staff.get(f"{API}exports/grades/").status_code == 404
    bad = staff.get(f"{API}exports/responses/", {"file_format": "xlsx"})
    assert bad.status_code == 400 and bad.json()["field"] == "format"
    assert staff.get(f"{API}exports/responses/", {"since": "soon"}).json()["field"] == "since"
    assert staff.get(f"{API}exports/responses/", {"assessment": "x"}).status_code == 400
    assert staff.get(f"{API}exports/responses/", {"assessment": scenario["assessment"].id + 99}).status_code == 404
    learner = make_user("just_a_learner")
    assert client_for(learner).get(f"{API}exports/responses/").status_code == 403
    assert APIClient().get(f"{API}exports/responses/").status_code in (401, 403)


def test_rest_item_analysis(scenario: dict[str, Any], course_staff: Any) -> None:
    aid = scenario["assessment"].id
    data = client_for(course_staff).get(f"{API}assessments/{aid}/item-analysis/", {"attempts": "best"}).json()
    assert data["assessment"]["attempts"] == 4 and data["assessment"]["attempts_choice"] == "best"
    assert len(data["items"]) == 3
    assert client_for(course_staff).get(f"{API}assessments/{aid}/item-analysis/", {"attempts": "x"}).status_code == 400


@pytest.mark.parametrize("payload", ["false", "null", "[]", '"responses"', "7"])
def test_an_export_job_body_that_is_not_a_json_object_is_a_400(
    scenario: dict[str, Any], course_staff: Any, payload: str
) -> None:
    response = client_for(course_staff).post(f"{API}export-jobs/", payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["message"] == 'The body must be a JSON object, e.g. {"kind": "responses"}.'
    assert client_for(course_staff).get(f"{API}export-jobs/").json()["count"] == 0
