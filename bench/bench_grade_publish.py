"""
Benchmark of publishing grades from the grade outbox, next to bare drains of the same outbox in the same run.

TLDR: run ``.venv/bin/python bench/bench_grade_publish.py [--attempts N] [--quick]``. It recreates a database
(``DATABASE_URL``, default an SQLite file under ``VAULT_DATA_DIR``) with the LMS test host's settings (the XBlock
SDK workbench installed), one question, one graded assessment bound to a vault assessment XBlock in the workbench,
and ``--attempts`` learners (default 10,000) with one graded attempt each, queued for publication
(``Attempt.report_due_at``). Two drains of those rows are timed, in the same process and database:

- bare: ``grades.report_pending_grades`` batch after batch (lock the due rows, group by learner, clear the
  marks), with the publication itself a no-op: the outbox's own cost, the floor of any drain;
- publish: the same drain publishing each learner's grade for real: the grade computed from the learner's
  attempts (``grades.learner_grade``), the block loaded for the learner in the workbench's XBlock runtime
  (``hosts/workbench_backend.py``, as the edx-platform backend loads it in the LMS) and its ``grade`` event
  published through the runtime (counted, so the figure is checked: one event per attempt).

Figures are attempts per second; the ratio says what publishing adds to draining. No target is set by the issue
(figures only); ``bench/README.rst`` records them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    data = Path(os.environ.setdefault("VAULT_DATA_DIR", "/tmp/vault_bench_gp"))
    data.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        db = data / "bench_grade_publish.sqlite3"
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hosts.lms.test_settings"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0) if _migrated() else None
    call_command("migrate", "--noinput", "--run-syncdb", verbosity=0)  # the workbench app has no migrations


def _migrated() -> bool:
    from django.db import connection

    return "ve_edu_vault_attempt" in connection.introspection.table_names()


def _build(attempts: int) -> int:
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from workbench.runtime_util import reset_global_state

    from ve_edu_vault.assessments import api
    from ve_edu_vault.assessments.models import Attempt
    from ve_edu_vault.questions import api as questions
    from ve_edu_vault.xblock.keys import WORKBENCH_COURSE

    reset_global_state()
    question = questions.create_question(
        WORKBENCH_COURSE,
        content={
            "title": "Capital",
            "prompt": "<p>Capital of France?</p>",
            "parts": [
                {
                    "id": "p0",
                    "type": "multiple_choice",
                    "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
                    "answer_key": {"correct": "a"},
                }
            ],
        },
    )
    assessment = api.create_assessment(
        WORKBENCH_COURSE,
        node_usage_key=None,
        title="Bench",
        config={"selection": {"mode": "fixed", "question_ids": [question.id]}},
    )
    usage_id = "vault-assessment.ve_vault_assessment.d0.u0"
    api.bind_block(WORKBENCH_COURSE.make_usage_key("ve_vault_assessment", usage_id), assessment_id=assessment.id)
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench{i}") for i in range(attempts)], batch_size=2000)
    users = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    now = timezone.now()
    Attempt.objects.bulk_create(
        [
            Attempt(
                assessment_id=assessment.id,
                user_id=user_id,
                number=1,
                state=Attempt.GRADED,
                seed=0,
                started_at=now,
                submitted_at=now,
                graded_at=now,
                earned=1.0,
                possible=1.0,
                score=1.0,
                passed=True,
                in_progress=None,
                report_due_at=now,
            )
            for user_id in users
        ],
        batch_size=2000,
    )
    return assessment.id


def _drain_all() -> tuple[int, float]:
    from ve_edu_vault.assessments.tasks import report_pending_grades

    start = time.perf_counter()
    total = 0
    while True:
        done = report_pending_grades.run()
        total += done
        if done == 0:
            break
    return total, time.perf_counter() - start


def _requeue() -> None:
    from django.utils import timezone

    from ve_edu_vault.assessments.models import Attempt

    Attempt.objects.update(report_due_at=timezone.now(), report_tries=0, report_error="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="2,000 attempts")
    args = parser.parse_args(argv)
    attempts = 2_000 if args.quick else args.attempts
    _setup_django()
    from django.db import connection
    from django.test import override_settings
    from workbench.runtime import WorkbenchRuntime

    _build(attempts)
    print(f"{attempts} graded attempts queued, one per learner; database: {connection.vendor}")

    with mock.patch("ve_edu_vault.assessments.grades.publish_grade_now", return_value=True):
        bare_count, bare_seconds = _drain_all()
    _requeue()
    events: list[Any] = []
    original = WorkbenchRuntime.publish

    def counted(runtime: Any, block: Any, event_type: str, data: dict[str, Any]) -> None:
        events.append((block.scope_ids.user_id, event_type, data))
        original(runtime, block, event_type, data)

    with (
        override_settings(VE_EDU_VAULT_PLATFORM_BACKEND="hosts.workbench_backend"),
        mock.patch.object(WorkbenchRuntime, "publish", counted),
    ):
        count, seconds = _drain_all()
    assert bare_count == attempts and count == attempts, (bare_count, count)
    assert len(events) == attempts and all(kind == "grade" for _user, kind, _data in events)
    bare_rate, rate = bare_count / bare_seconds, count / seconds
    print(f"bare outbox drains:   {bare_count} attempts in {bare_seconds:.2f} s = {bare_rate:,.0f} attempts/s")
    print(f"publishing grades:    {count} attempts in {seconds:.2f} s = {rate:,.0f} attempts/s ({len(events)} events)")
    print(f"publishing runs at {rate / bare_rate:.2f}x the bare drain's rate ({seconds / bare_seconds:.1f}x its time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
