"""
Redis (the Celery broker) is down for a while: the LMS host under gunicorn keeps serving learners (start, autosave,
submit: the grade and its report are committed, the messages that cannot be sent are logged), a Studio publish
still commits, and when Redis is back a worker and its beat do what was missed: the grade report delivered once,
the attempt whose timer message was never sent submitted by the sweep and reported once.

"Down" is a real port with nothing listening; "back" is a Redis server started on that port.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.utils import timezone

from hosts.standalone_platform.models import StandaloneGrade
from tests.assessments.api_builders import BLOCK, COURSE, KEY_BLANK, KEY_NUMBER, learner, make_assessment
from tests.celery_worker import celery_worker
from tests.celery_worker import test_database_url as database_url
from tests.faults.servers import API, REPO_ROOT, free_port, gunicorn_lms, redis_server, server_env
from tests.jwt_tokens import jwt_headers, lms_jwt
from ve_edu_vault.assessments.models import Attempt

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RIGHT = {"Capital": {"p0": "a"}, "Blank": {"p0": {"blank_0": KEY_BLANK.lower()}}, "Number": {"p0": str(KEY_NUMBER)}}


def _call(method: str, url: str, user: Any, body: dict[str, Any] | None = None) -> tuple[requests.Response, float]:
    started = time.monotonic()
    reply = requests.request(method, url, json=body, headers=jwt_headers(lms_jwt(user)), timeout=60)
    return reply, time.monotonic() - started


def test_learners_are_served_while_redis_is_down_and_the_missed_work_runs_when_it_is_back(
    tmp_path: Path, make_user: Any
) -> None:
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    assessment = make_assessment(time_limit_minutes=30)  # timed: starting an attempt queues its timer
    first, second = learner(make_user, "first"), learner(make_user, "second")
    attempts = f"{API}courses/{COURSE}/assessments/{assessment.id}/attempts/"
    latencies: list[float] = []
    with gunicorn_lms(server_env(database_url(), broker), tmp_path / "gunicorn.log") as base:
        started, took = _call("POST", base + attempts, first)
        assert started.status_code in (200, 201), started.text
        view = started.json()
        answers = {str(q["response_id"]): RIGHT[q["question"]["title"]] for q in view["questions"]}
        saved, took2 = _call("PUT", f"{base}{API}attempts/{view['id']}/answers/", first, {"answers": answers})
        assert saved.status_code == 200, saved.text
        submitted, took3 = _call("POST", f"{base}{API}attempts/{view['id']}/submit/", first)
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["score"] == pytest.approx(1.0)
        other, took4 = _call("POST", base + attempts, second)
        assert other.status_code in (200, 201), other.text
        latencies += [took, took2, took3, took4]
    assert max(latencies) < 15, latencies  # kombu gives up on the broker after its bounded retries
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert "Could not schedule the timer" in log and "Could not queue the grade report task" in log

    graded = Attempt.objects.get(pk=view["id"])
    assert graded.state == Attempt.GRADED and graded.report_due_at is not None  # the outbox holds the report
    assert not StandaloneGrade.objects.exists()
    # Time passes while Redis is down: the second learner's deadline goes by, and no timer message exists.
    waiting = Attempt.objects.get(pk=other.json()["id"])
    Attempt.objects.filter(pk=waiting.pk).update(
        started_at=timezone.now() - timedelta(minutes=31), deadline=timezone.now() - timedelta(minutes=1)
    )

    def published(user: Any) -> bool:
        return StandaloneGrade.objects.filter(user=user, usage_key=str(BLOCK)).exists()

    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "VAULT_FAULT_BASE_SETTINGS": "hosts.lms.test_settings",
        "CELERY_BROKER_URL": broker,
        "VAULT_BEAT_SECONDS": "2",
    }
    with redis_server(port, tmp_path / "redis.log"), celery_worker(tmp_path / "w", extra_env=env, beat=True) as w:
        assert w.wait_for(lambda: published(first), timeout=60), w.log()
        assert w.wait_for(lambda: published(second), timeout=60), w.log()
        time.sleep(4)  # two more beats: nothing is reported twice
    assert Attempt.objects.get(pk=waiting.pk).submit_reason == "sweep"
    assert not Attempt.objects.filter(report_due_at__isnull=False).exists()
    assert sorted(StandaloneGrade.objects.values_list("publications", flat=True)) == [1, 1]


PUBLISH = """
import django, logging, sys
logging.basicConfig(level=logging.WARNING)
django.setup()
from django.core.cache import cache
from django.db import transaction
from hosts.standalone_platform import backend
from tests.course_sync.conftest import small_outline
from ve_edu_vault.course_sync.receivers import DEBOUNCE_CACHE_KEY
outline = small_outline()
with transaction.atomic():  # a Studio publish commits its transaction, then the sync is scheduled
    backend.publish_outline(outline)
print("published", backend.read_published_outline(outline.course_key).version)
print("debounce", cache.get(DEBOUNCE_CACHE_KEY.format(course_key=outline.course_key)))
"""


def test_a_studio_publish_commits_while_redis_is_down_and_the_next_publish_schedules_again() -> None:
    env = server_env(
        database_url(),
        f"redis://127.0.0.1:{free_port()}/0",
        VAULT_FAULT_BASE_SETTINGS="hosts.cms.test_settings",
    )
    done = subprocess.run(
        [sys.executable, "-c", PUBLISH], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "published v1" in done.stdout
    assert "debounce None" in done.stdout  # the window is not taken by a sync that was never queued
    assert "Could not queue the sync" in done.stderr
