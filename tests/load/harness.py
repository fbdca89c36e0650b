"""
The load test's Django side: the course, its assessment and learners (made fast, in bulk), the processes under
load (the LMS host under gunicorn, a real Celery worker, a private Redis), the plan for the Locust driver
(``tests/load/driver.py``), and the checker that proves, afterwards, that every submitted answer was stored and
graded exactly once and every grade report delivered once.

Used by the short form in CI (``tests/load/test_load_short.py``) and the long form (``bench/bench_load.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CHOICES = [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}, {"id": "c", "text": "Nice"}]


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadCourse:
    course_key: str
    assessment_id: int
    block_usage_key: str
    question_count: int


def make_course(stamp: str, questions: int = 3) -> LoadCourse:
    """A synced outline (a graded subsection, two objectives), ``questions`` multiple-choice questions, and a graded
    assessment of them bound to a vault block (so every submission queues a grade report)."""
    from opaque_keys.edx.keys import CourseKey

    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.course_sync.data import CourseOutline, NodeAttributes, NodeKind, OutlineNode
    from ve_edu_vault.questions import api as questions_api

    course_key = CourseKey.from_string(f"course-v1:VE+Load{stamp}+2026")
    chapter = course_key.make_usage_key("chapter", "load")
    quiz = course_key.make_usage_key("sequential", "load_quiz")
    objectives = [course_key.make_usage_key("vertical", f"load_objective_{index}") for index in range(2)]
    nodes = [
        OutlineNode(usage_key=chapter, kind=NodeKind.TOPIC, display_name="Load", parent_key=None, position=0),
        OutlineNode(
            usage_key=quiz,
            kind=NodeKind.SUBTOPIC,
            display_name="Load quiz",
            parent_key=chapter,
            position=0,
            attributes=NodeAttributes(graded=True, format="Exam"),
        ),
    ] + [
        OutlineNode(usage_key=key, kind=NodeKind.OBJECTIVE, display_name=f"O{i}", parent_key=quiz, position=i)
        for i, key in enumerate(objectives)
    ]
    standalone.publish_outline(
        CourseOutline(course_key=course_key, version="v1", nodes=tuple(nodes)), send_signal=False
    )
    course_sync.sync_course(course_key, source="modulestore", trigger="load")
    ids = [
        questions_api.create_question(
            course_key,
            content={
                "title": f"Q{index}",
                "parts": [
                    {
                        "id": "p0",
                        "type": "multiple_choice",
                        "config": {"choices": CHOICES, "shuffle": False},
                        "answer_key": {"correct": "b"},
                    }
                ],
            },
            node_usage_key=objectives[index % 2],
        ).id
        for index in range(questions)
    ]
    created = assessments.create_assessment(
        course_key,
        node_usage_key=quiz,
        title=f"Load {stamp}",
        config={"selection": {"mode": "fixed", "question_ids": ids}, "feedback": "after_submission"},
    )
    block = course_key.make_usage_key("ve_vault_assessment", f"load_{stamp}")
    assessments.bind_block(block, assessment_id=created.id)
    return LoadCourse(
        course_key=str(course_key), assessment_id=created.id, block_usage_key=str(block), question_count=questions
    )


def make_learners(course: LoadCourse, count: int, prefix: str) -> list[dict[str, Any]]:
    """``count`` enrolled learners, each with a JWT signed by the host's key (no password hashing: bulk rows)."""
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from hosts.standalone_platform.models import StandaloneEnrollment
    from tests.jwt_tokens import lms_jwt

    users = get_user_model()
    made = users.objects.bulk_create(
        [
            users(username=f"{prefix}{index}", email=f"{prefix}{index}@example.com", password="!")  # unusable
            for index in range(count)
        ]
    )
    made = list(users.objects.filter(username__startswith=prefix).order_by("pk"))
    key = CourseKey.from_string(course.course_key)
    StandaloneEnrollment.objects.bulk_create(
        [StandaloneEnrollment(user=user, course_key=key, is_active=True) for user in made]
    )
    return [{"user_id": user.pk, "token": lms_jwt(user, exp=int(time.time()) + 3600)} for user in made]


def run_driver(plan: dict[str, Any], workdir: Path, timeout: float) -> dict[str, Any]:
    """Run the Locust driver in its own process; its results."""
    plan_path, results_path = workdir / "plan.json", workdir / "results.json"
    plan_path.write_text(json.dumps(plan))
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tests/load/driver.py"), str(plan_path), str(results_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load driver failed ({done.returncode}):\n{done.stderr[-4000:]}")
    results: dict[str, Any] = json.loads(results_path.read_text())
    return results


def wait_for_reports(timeout: float) -> int:
    """Wait (bounded) until the worker has reported every queued grade; how many are still queued."""
    from ve_edu_vault.assessments.models import Attempt

    deadline = time.monotonic() + timeout
    while True:
        waiting = Attempt.objects.filter(report_due_at__isnull=False).count()
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(0.5)


@dataclass(kw_only=True)
class CheckReport:
    sessions: int = 0
    submitted: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(course: LoadCourse, sessions: list[dict[str, Any]]) -> CheckReport:
    """
    What the database holds after the run, against what the clients were answered:

    - each submitted session's attempt is graded, once: one graded attempt for its learner, every response graded,
      the stored answer of each response the one the learner last saved, one mastery event per response;
    - each learner's grade was published to the gradebook exactly once, with the vault's grade, and no report waits;
    - no attempt of a session whose submit failed is graded (nothing half-done is reported as done).
    """
    from hosts.standalone_platform.models import StandaloneGrade
    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.mastery.models import MasteryEvent

    report = CheckReport(sessions=len(sessions))
    submitted = [session for session in sessions if session["submitted"]]
    report.submitted = len(submitted)
    attempt_ids = [session["attempt_id"] for session in submitted]
    attempts = {row.pk: row for row in Attempt.objects.filter(pk__in=attempt_ids)}
    responses: dict[int, list[Any]] = {}
    for row in Response.objects.filter(attempt_id__in=attempt_ids).order_by("position"):
        responses.setdefault(row.attempt_id, []).append(row)
    events = Counter(
        MasteryEvent.objects.filter(response__attempt_id__in=attempt_ids).values_list("response_id", flat=True)
    )
    per_learner = Counter(
        Attempt.objects.filter(assessment_id=course.assessment_id, state=Attempt.GRADED).values_list(
            "user_id", flat=True
        )
    )
    grades = {row.user_id: row for row in StandaloneGrade.objects.filter(usage_key=course.block_usage_key)}
    for session in submitted:
        attempt = attempts.get(session["attempt_id"])
        user = session["user_id"]
        if attempt is None or attempt.user_id != user:
            report.problems.append(f"attempt {session['attempt_id']} of learner {user} is missing")
            continue
        if attempt.state != Attempt.GRADED or attempt.graded_at is None or attempt.score is None:
            report.problems.append(f"attempt {attempt.pk} answered 200 to submit but is {attempt.state}")
        if per_learner[user] != 1:
            report.problems.append(f"learner {user} has {per_learner[user]} graded attempts")
        rows = responses.get(attempt.pk, [])
        if len(rows) != course.question_count:
            report.problems.append(f"attempt {attempt.pk} has {len(rows)} responses")
        for row in rows:
            if row.answer != session["answers"].get(str(row.pk)):
                report.problems.append(f"response {row.pk}: stored {row.answer!r}, last saved {session['answers']}")
            if row.graded_at is None or row.score is None:
                report.problems.append(f"response {row.pk} is not graded")
            if events[row.pk] != 1:
                report.problems.append(f"response {row.pk} reached mastery {events[row.pk]} times")
        grade = grades.get(user)
        if grade is None:
            report.problems.append(f"learner {user}'s grade was never published")
        elif grade.publications != 1:
            report.problems.append(f"learner {user}'s grade was published {grade.publications} times")
        elif abs(grade.earned - (attempt.earned or 0.0)) > 1e-9:
            report.problems.append(
                f"learner {user}'s published grade {grade.earned} is not the vault's {attempt.earned}"
            )
    for session in sessions:
        failed = not session["submitted"] and session["attempt_id"] is not None
        if failed and Attempt.objects.filter(pk=session["attempt_id"], state=Attempt.GRADED).exists():
            report.problems.append(f"attempt {session['attempt_id']} is graded but its submit failed")
    waiting = Attempt.objects.filter(assessment_id=course.assessment_id, report_due_at__isnull=False).count()
    if waiting:
        report.problems.append(f"{waiting} grade reports still queued")
    return report


@dataclass(frozen=True, kw_only=True, slots=True)
class Services:
    base: str
    redis_url: str
    logs: Path


def services(database_url: str, workdir: Path, *, gunicorn_workers: int = 2, beat_seconds: int = 5) -> Any:
    """
    A context manager: a private Redis (broker on database 0, the Django cache on 1, as Tutor puts the LMS cache on
    Redis), the LMS host under gunicorn and a real Celery worker with its beat, all on ``database_url``.
    """
    from contextlib import ExitStack, contextmanager

    from tests.faults.servers import free_port, gunicorn_lms, redis_server

    @contextmanager
    def running() -> Any:
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        broker, cache = f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "VAULT_FAULT_BASE_SETTINGS": "hosts.lms.test_settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker,
            "CACHE_REDIS_URL": cache,
            "VAULT_BEAT_SECONDS": str(beat_seconds),
        }
        with ExitStack() as stack:
            stack.enter_context(redis_server(port, workdir / "redis.log"))
            base = stack.enter_context(gunicorn_lms(env, workdir / "gunicorn.log", workers=gunicorn_workers))
            stack.enter_context(_worker(env, workdir))
            yield Services(base=base, redis_url=broker, logs=workdir)

    return running()


def _worker(env: dict[str, str], workdir: Path) -> Any:
    from contextlib import contextmanager

    @contextmanager
    def running() -> Any:
        log = workdir / "worker.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "hosts.celery",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--beat",
                f"--schedule={workdir / 'beat-schedule'}",
                f"--logfile={log}",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "ready." not in (log.read_text(errors="replace") if log.exists() else ""):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Celery worker did not start: {log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.25)
            yield process
        finally:
            from tests.faults.servers import _stop

            _stop(process)

    return running()
