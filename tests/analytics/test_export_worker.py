"""
An export job on a real Celery worker (Redis broker, the test database): queued through the REST endpoint, written
to the export storage by the worker, downloaded by the requester with the same rows as the streamed export.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.builders import add_attempt, assessment_with_questions, learners
from tests.assessments.api_builders import COURSE
from tests.celery_worker import celery_worker
from ve_edu_vault.analytics.models import ExportJob

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/"
TASK = "ve_edu_vault.analytics.tasks.run_export"


def test_the_worker_writes_the_export_and_the_requester_downloads_it(tmp_path: Path, make_user: Any) -> None:
    created, versions = assessment_with_questions()
    for index, user in enumerate(learners(make_user, 5)):
        add_attempt(created.id, user, versions, [1.0, float(index % 2), 0.0])
    staff = make_user("exporter")  # mailed at exporter@example.com when the export is ready
    grant_course_role(staff, COURSE)
    client = APIClient()
    client.force_login(staff)
    streamed = b"".join(client.get(f"{API}exports/responses/").streaming_content)

    with celery_worker(tmp_path) as worker:
        queued = client.post(f"{API}export-jobs/", {"kind": "responses", "file_format": "csv"}, format="json")
        assert queued.status_code == 202, queued.content
        job_id = queued.json()["id"]
        assert queued.json()["status"] == "queued"
        done = lambda: ExportJob.objects.get(pk=job_id).status in ("done", "failed")  # noqa: E731
        assert worker.wait_for(done, timeout=60), worker.log()
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= 1, timeout=10), worker.log()

    job = client.get(f"{API}export-jobs/{job_id}/").json()
    assert job["status"] == "done", job
    assert job["rows"] == 15 and job["size"] == len(streamed)
    assert job["requested_by_id"] == staff.id
    listed = client.get(f"{API}export-jobs/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == job_id
    download = client.get(f"{API}export-jobs/{job_id}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    written = b"".join(download.streaming_content)
    assert written == streamed
    assert len(list(csv.DictReader(io.StringIO(written.decode())))) == 15
    other = make_user("other_staff")
    # Staff of another course may not read this course's jobs.
    grant_course_role(other, CourseKey.from_string("course-v1:Vault+Other+2026"))
    outsider = APIClient()
    outsider.force_login(other)
    assert outsider.get(f"{API}export-jobs/{job_id}/file/").status_code == 403
