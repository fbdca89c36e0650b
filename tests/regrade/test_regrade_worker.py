"""
A bulk regrade on a real Celery worker (Redis broker, the test database): killed halfway, restarted, it finishes
with every response regraded exactly once.

The worker is killed with SIGKILL (no warm shutdown, the batch in flight is rolled back by the database), found as
this test process's own child, by its id.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.celery_worker import celery_worker
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.assessments.models import Response
from ve_edu_vault.regrade import api
from ve_edu_vault.regrade.models import RegradeItem, RegradeRun

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TASK = "ve_edu_vault.regrade.tasks.run_regrade"


def _children_running_celery() -> list[int]:
    """Ids of this process's child processes whose command line runs celery (the workers this test started)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == me and b"celery" in cmdline:
            found.append(int(entry.name))
    return found


def progress(run_id: int) -> RegradeRun:
    return RegradeRun.objects.get(pk=run_id)


def test_a_killed_regrade_restarts_and_regrades_each_response_exactly_once(tmp_path: Path, make_user: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"] * 5, attempt_limit=3)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = api.plan(question_id, batch_size=1)
    assert planned.total == 10

    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    with celery_worker(tmp_path / "first") as worker:
        api.start(planned.id, batch_delay=0.4)
        assert worker.wait_for(lambda: progress(planned.id).done >= 3, timeout=60), worker.log()
        pids = _children_running_celery()
        assert pids, "the worker process was not found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
    halfway = progress(planned.id)
    assert halfway.status == RegradeRun.RUNNING and 3 <= halfway.done < 10
    assert RegradeItem.objects.filter(run_id=planned.id).count() == halfway.done  # the batch in flight rolled back

    with celery_worker(tmp_path / "second") as worker:  # the first worker's message is gone with the broker
        api.start(planned.id)
        assert worker.wait_for(lambda: progress(planned.id).status == RegradeRun.SUCCEEDED, timeout=60), worker.log()
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= 1, timeout=10), worker.log()

    finished = progress(planned.id)
    assert finished.done == 10
    items = list(RegradeItem.objects.filter(run_id=planned.id).values_list("response_id", "old_correct", "new_correct"))
    responses = set(Response.objects.filter(question_id=question_id).values_list("id", flat=True))
    assert sorted(item[0] for item in items) == sorted(responses)  # each exactly once
    assert all(new is (not old) for _, old, new in items)
    predicted = {
        item["response_id"]: item["new_correct"]
        for learner in planned.report["learners"]
        for item in learner["responses"]
    }
    assert predicted == dict(Response.objects.filter(id__in=responses).values_list("id", "correct"))
