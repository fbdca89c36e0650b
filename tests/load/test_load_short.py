"""
The load test, short form (CI): learners arrive open-loop at a fixed rate and start, autosave twice and submit
against the LMS host under gunicorn with a real Celery worker and its beat, on the test database and a private
Redis; Locust's client and statistics measure it (``tests/load/driver.py``). Afterwards the checker proves every
submitted answer stored and graded exactly once and every grade report delivered once; no request may fail.

Latency is printed, not asserted (performance claims live in ``bench/bench_load.py``). About a minute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.celery_worker import test_database_url as database_url
from tests.load import harness

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

RATE, DURATION, AUTOSAVES = 3.0, 8.0, 2


def test_open_loop_learners_are_served_and_every_answer_is_stored_graded_and_reported_once(tmp_path: Path) -> None:
    course = harness.make_course("ci")
    learners = harness.make_learners(course, int(RATE * DURATION), "load_ci_")
    with harness.services(database_url(), tmp_path, gunicorn_workers=2, beat_seconds=3) as running:
        plan: dict[str, Any] = {
            "base": running.base,
            "course": course.course_key,
            "assessment": course.assessment_id,
            "autosaves": AUTOSAVES,
            "steps": [{"kind": "sessions", "rate": RATE, "duration": DURATION, "learners": learners}],
        }
        results = harness.run_driver(plan, tmp_path, timeout=120)
        (step,) = results["steps"]
        print(json.dumps({key: value for key, value in step.items() if key != "sessions"}, indent=1))
        assert harness.wait_for_reports(timeout=30) == 0, (tmp_path / "worker.log").read_text()[-3000:]
    assert step["errors"] == 0, step["error_samples"]
    assert step["requests"]["submit"]["count"] == len(learners)
    assert step["requests"]["autosave"]["count"] == AUTOSAVES * len(learners)
    report = harness.check(course, step["sessions"])
    assert report.submitted == len(learners)
    assert report.ok, "\n".join(report.problems[:20])

    # The checker is not vacuous: a grade published twice and an answer stored other than last saved are found.
    from hosts.standalone_platform.models import StandaloneGrade
    from ve_edu_vault.assessments.models import Response

    first = step["sessions"][0]
    StandaloneGrade.objects.filter(user_id=first["user_id"]).update(publications=2)
    Response.objects.filter(attempt_id=step["sessions"][1]["attempt_id"], position=0).update(answer={"p0": "zzz"})
    problems = harness.check(course, step["sessions"]).problems
    assert len(problems) == 2 and "published 2 times" in problems[0] + problems[1], problems
