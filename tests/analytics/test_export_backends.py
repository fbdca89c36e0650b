"""
The export contract on both storage backends: the same request gives the same bytes whether the attempts and
responses are in the SQL database (the ORM repository's ``export_attempt_rows``) or in MongoDB (the attempt
repository's ``export_attempts``, streamed on the asyncio client; the adapter over the stand-in here), for every
filter; and item statistics (the summaries built from the repository's aggregate reads: SQL ``GROUP BY`` or an
aggregation pipeline) give the same bytes too, as does ``vault_item_analysis --json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from storage_backends import mongodb_backend

from tests.analytics.builders import START, add_attempt, assessment_with_questions, learners
from tests.assessments.api_builders import COURSE
from ve_edu_vault.analytics import api
from ve_edu_vault.analytics.data import AttemptChoice
from ve_edu_vault.analytics.exports import ExportRequest
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.api import NewGrade
from ve_edu_vault.assessments.copy_storage import copy_course
from ve_edu_vault.assessments.data_stats import ExportFilter

pytestmark = pytest.mark.django_db

REQUESTS = [
    ExportRequest(kind=kind, course_key=COURSE, format=fmt, attempts=choice)
    for kind in ("attempts", "responses")
    for fmt in ("csv", "jsonl")
    for choice in AttemptChoice
] + [
    ExportRequest(kind="responses", course_key=COURSE, since=START + timedelta(hours=2)),
    ExportRequest(kind="attempts", course_key=COURSE, until=START + timedelta(hours=2), attempts=AttemptChoice.BEST),
]


@pytest.fixture
def both(make_user: Any, settings: Any) -> Iterator[dict[str, Any]]:
    """Five learners with two graded attempts (the best not always the last) and one in progress, in SQL and MongoDB."""
    created, versions = assessment_with_questions()
    for index, user in enumerate(learners(make_user, 5)):
        add_attempt(created.id, user, versions, [1.0, 1.0, float(index % 2)], number=1)
        add_attempt(created.id, user, versions, [1.0, float(index % 3 == 0), 0.5], number=2)
        if index == 0:
            add_attempt(created.id, user, versions, [0.0, 0.0, 0.0], number=3, state="in_progress")
    with mongodb_backend(settings):
        assert copy_course(COURSE, source="django", target="mongodb").verified
        yield {"assessment": created, "versions": versions, "settings": settings}


def body(request: ExportRequest) -> bytes:
    return b"".join(api.stream_export(request))


def test_every_export_is_the_same_on_both_backends(both: dict[str, Any]) -> None:
    on_sql = {request: (body(request), api.export_rows(request)) for request in REQUESTS}
    assert not assessments.get_repository().exports_through_repository
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    assert assessments.get_repository().exports_through_repository
    for request in REQUESTS:
        data, rows = body(request), api.export_rows(request)
        assert (data, rows) == on_sql[request], request
        assert data.count(b"\n") > 1  # a header or rows, not an empty export
    # One per learner: 5 attempts and 15 responses; all: the 10 finished attempts (in progress left out).
    assert api.export_rows(ExportRequest(kind="attempts", course_key=COURSE, attempts=AttemptChoice.BEST)) == 5
    assert api.export_rows(ExportRequest(kind="attempts", course_key=COURSE)) == 10
    assert api.export_rows(ExportRequest(kind="responses", course_key=COURSE)) == 30


def test_on_mongodb_the_export_reads_mongodb(both: dict[str, Any]) -> None:
    request = ExportRequest(kind="responses", course_key=COURSE, format="jsonl")
    before = body(request)
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    repository = assessments.get_repository()
    first = next(iter(repository.export_attempts([both["assessment"].id], batch=2)))
    assert len(first) == 2 and all(attempt.responses for attempt in first)  # a page of attempts, responses embedded
    repository.update_response(first[0].responses[0].id, score=0.25)  # changed in MongoDB only
    after = body(request)
    assert after != before and b'"score":0.25' in after
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "django"
    assert body(request) == before


def test_pages_stream_one_batch_at_a_time(both: dict[str, Any]) -> None:
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    pages = assessments.get_repository().export_attempts([both["assessment"].id], batch=3)
    sizes = [len(page) for page in pages]
    assert sizes == [3, 3, 3, 1]
    chosen = assessments.get_repository().export_attempts([both["assessment"].id], ExportFilter(choice="last"), batch=2)
    assert [attempt.number for page in chosen for attempt in page] == [2] * 5
    late = replace(REQUESTS[0], since=START + timedelta(days=30))
    assert body(late).count(b"\n") == 1  # the header alone


def test_parquet_holds_the_same_table_on_both_backends(both: dict[str, Any]) -> None:
    import io

    import pyarrow.parquet as pq

    request = ExportRequest(kind="responses", course_key=COURSE, format="parquet", attempts=AttemptChoice.LAST)
    on_sql = pq.read_table(io.BytesIO(body(request)))
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    on_mongodb = pq.read_table(io.BytesIO(body(request)))
    assert on_sql.num_rows == 15 and on_mongodb.equals(on_sql)


ITEM_REQUESTS = [
    ExportRequest(kind="item_stats", course_key=COURSE, format=fmt, attempts=choice)
    for fmt in ("csv", "jsonl")
    for choice in AttemptChoice
]


def forget_summaries() -> None:
    """Drop the summary tables (shared by both backends) so that the next read builds them from the attempts."""
    from ve_edu_vault.analytics.models import AssessmentSummary, ItemSummary, SummarisedAttempt

    for model in (AssessmentSummary, ItemSummary, SummarisedAttempt):
        model.objects.all().delete()


def test_item_statistics_are_the_same_on_both_backends(both: dict[str, Any], tmp_path: Any, make_user: Any) -> None:
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from hosts.standalone_platform.backend import grant_course_role

    on_sql = {request: body(request) for request in ITEM_REQUESTS}
    assert on_sql[ITEM_REQUESTS[0]].count(b"\n") == 4  # the header and three question versions
    forget_summaries()
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    for request in ITEM_REQUESTS:
        assert body(request) == on_sql[request], request
    # The command and the REST download on MongoDB (they were refused before ADR 0028).
    call_command("vault_export", "item_stats", "--course", str(COURSE), "--output", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_bytes() == on_sql[ITEM_REQUESTS[3]]  # csv, all attempts
    staff = make_user("course_staff")
    grant_course_role(staff, COURSE)
    client = APIClient()
    client.force_login(staff)
    response = client.get(f"/api/ve-edu-vault/v1/courses/{COURSE}/exports/item_stats/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == on_sql[ITEM_REQUESTS[3]]
    # Read from MongoDB: a regrade there (every first question wrong) shows once the summaries are rebuilt.
    repository = assessments.get_repository()
    version_id = both["versions"][0].id
    rows = repository.regrade_rows([version_id], after_id=0, limit=100)
    grades = [NewGrade(response_id=row.id, raw_score=0.0, score=0.0, correct=False, feedback={}) for row in rows]
    assert repository.write_regrades(grades) == 10
    api.refresh_item_analysis(both["assessment"].id)
    changed = body(ITEM_REQUESTS[3]).decode()
    assert changed != on_sql[ITEM_REQUESTS[3]].decode() and ",Capital,10,0.0,0.0," in changed


def test_item_analysis_command_json_is_the_same_on_both_backends(both: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    def command_json(choice: str) -> str:
        out = StringIO()
        call_command("vault_item_analysis", str(both["assessment"].id), "--attempts", choice, "--json", stdout=out)
        return out.getvalue()

    on_sql = {choice.value: command_json(choice.value) for choice in AttemptChoice}
    forget_summaries()
    both["settings"].VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    for choice, text in on_sql.items():
        assert command_json(choice) == text, choice
    assert '"attempts": 10' in on_sql["all"] or '"attempts":10' in on_sql["all"]
