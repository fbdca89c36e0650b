"""
Benchmark of a bulk regrade on MariaDB against a same-run baseline: the same update done row by row through the ORM.

TLDR: run ``.venv/bin/python bench/bench_regrade.py [--responses N] [--sample N] [--batch-size N] [--quick]
[--no-fail]``. It creates and migrates ``DATABASE_URL`` (default ``mysql://root@127.0.0.1:3306/vault_bench_rg``),
then generates, with ``INSERT ... SELECT`` over MariaDB's sequence engine (no Python loop per row):

- one multiple-choice question (version 1: key "a"), an ungraded assessment, 1,000 learners;
- ``--responses`` graded attempts of one response each (answers "a", "b", "c" in turn, graded under version 1),
  and a separate ``--sample`` of the same shape on a second question (the baseline's rows).

The key is then corrected (version 2: key "b") and two things are timed:

- regrade: ``regrade.api.run_batches`` over every response (batches of ``--batch-size``: read, grade once per
  distinct answer, ``RegradeItem`` rows, grouped UPDATEs of responses and attempt totals, cursor; no follow-up,
  since an ungraded assessment without objectives reports no grade and tracks no mastery);
  Timed to its return, as the task runs it: after the last batch ``run_batches`` closes the run, and the receivers
  of ``REGRADE_FINISHED`` (sent on commit) run in the same process: analytics queues one ``rebuild_item_summaries``
  task per assessment with the question (``VE_EDU_VAULT_ANALYTICS_SUMMARIES="task"``, the default; "inline"
  rebuilds them here); the figures say how much of the time came after the last batch;
- rebuild: the queued rebuild of the item summaries, what the worker runs, run and timed here after the regrade
  (not part of the target; the script checks that one was queued, for the bench's one assessment);
- baseline: the same work per response through the ORM, row by row (read, grade, ``save()``, an item row, the
  attempt's totals re-read and saved), each row in its own transaction, on the sample, scaled up linearly.

Target (PASS/FAIL; exit 1 on FAIL unless ``--no-fail``): the regrade of all responses under 60 s. ``--quick`` uses
50,000 responses and a 2,000 sample and runs in about a minute. The broker is ``BENCH_BROKER_URL``
(default ``memory://``); on a Redis broker the queued message is left there. The database is dropped and recreated on
every run so figures are comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import contiguous_learners, create_database, insert_graded_attempts, setup_django  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_rg"
COURSE = "course-v1:VE+BenchRegrade+2026"
LEARNERS = 1000
TARGET_SECONDS = 60.0


def mc(correct: str) -> dict[str, Any]:
    return {
        "title": "Capital",
        "prompt": "<p>Which city is the capital of France?</p>",
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {
                    "choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}, {"id": "c", "text": "Nice"}],
                    "shuffle": False,
                },
                "answer_key": {"correct": correct},
            }
        ],
    }


def _generate(count: int, first_user: int) -> tuple[int, int]:
    """A question (key "a"), an assessment and ``count`` graded one-response attempts; (question id, version id)."""
    from django.db import connection
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.questions import api as questions

    course = CourseKey.from_string(COURSE)
    question = questions.create_question(course, content=mc("a"))
    version = question.current_version
    assert version is not None
    assessment = assessments.create_assessment(
        course,
        node_usage_key=None,
        title="Bench",
        config={"selection": {"mode": "fixed", "question_ids": [question.id]}, "attempt_limit": None},
    )
    insert_graded_attempts(assessment.id, first_user, count, learners=LEARNERS)
    attempt_table, response_table = Attempt._meta.db_table, Response._meta.db_table
    # Each answer's stored grade and feedback are what grading under version 1 gave, as after real submissions.
    from ve_edu_vault.assessments._submit import grade_answer

    content = version.to_content()
    answers = [{"p0": choice} for choice in ("a", "b", "c")]
    feedbacks = [json.dumps(grade_answer(content, answer, filters=False)[2]) for answer in answers]
    with connection.cursor() as cursor:
        # Attempt ``seed`` is the generator's sequence number, so answers follow it: "a" (right under v1), "b", "c".
        cursor.execute(
            f"""
            INSERT INTO {response_table} (attempt_id, position, question_id, question_version_id, points, answer,
                raw_score, score, correct, tries_used, hints_shown, checked, feedback, graded_at, modified)
            SELECT id, 0, %s, %s, 1,
                ELT(1 + (seed %% 3), %s, %s, %s),
                IF(seed %% 3 = 0, 1, 0), IF(seed %% 3 = 0, 1, 0), IF(seed %% 3 = 0, 1, 0), 1, 0, 0,
                ELT(1 + (seed %% 3), %s, %s, %s), NOW(6), NOW(6)
            FROM {attempt_table} WHERE assessment_id = %s
            """,
            [question.id, version.id, *[json.dumps(answer) for answer in answers], *feedbacks, assessment.id],
        )
    return question.id, version.id


def _correct(question_id: int) -> int:
    from ve_edu_vault.questions import api as questions

    version = questions.edit_question(question_id, content=mc("b")).current_version
    assert version is not None
    return version.id


def _new_run(question_id: int, old_version: int, new_version: int, batch_size: int) -> int:
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.regrade.models import RegradeRun

    run = RegradeRun.objects.create(
        course_key=CourseKey.from_string(COURSE),
        question_id=question_id,
        to_version_id=new_version,
        from_version_ids=[old_version],
        batch_size=batch_size,
    )
    return int(run.pk)


def _row_by_row(run_id: int, old_version: int, new_version: int) -> int:
    """The baseline: the same regrade, one response at a time through the ORM (save(), per-row transaction)."""
    from django.db import transaction

    from ve_edu_vault.assessments import scoring
    from ve_edu_vault.assessments._context import load_context
    from ve_edu_vault.assessments._submit import grade_answer, penalised
    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.questions import api as questions
    from ve_edu_vault.regrade.models import RegradeItem

    content = questions.get_version(new_version).to_content()
    contexts: dict[int, Any] = {}
    ids = list(Response.objects.filter(question_version_id=old_version).order_by("id").values_list("id", flat=True))
    for response_id in ids:
        with transaction.atomic():
            row = Response.objects.select_related("attempt").get(pk=response_id)
            assessment_id = row.attempt.assessment_id
            if assessment_id not in contexts:
                contexts[assessment_id] = load_context(assessment_id)
            ctx = contexts[assessment_id]
            raw, correct, feedback = grade_answer(content, row.answer, filters=False)
            score = penalised(ctx, content, raw, tries_used=max(1, row.tries_used), hints_shown=row.hints_shown)
            RegradeItem.objects.create(
                run_id=run_id,
                response_id=row.pk,
                attempt_id=row.attempt_id,
                from_version_id=row.question_version_id,
                old_raw_score=row.raw_score,
                old_score=row.score,
                old_correct=row.correct,
                new_raw_score=raw,
                new_score=score,
                new_correct=correct,
            )
            row.raw_score, row.score, row.correct, row.feedback = raw, score, correct, feedback
            row.save()
            attempt: Attempt = row.attempt
            earned, possible, fraction = scoring.attempt_totals(
                list(Response.objects.filter(attempt_id=attempt.pk).values_list("score", "points"))
            )
            attempt.earned, attempt.possible, attempt.score = earned, possible, fraction
            attempt.passed = scoring.passed(fraction, ctx.config.pass_threshold)
            attempt.save()
    return len(ids)


def _record_rebuilds(producer: Any) -> list[int]:
    """The assessments whose ``rebuild_item_summaries`` is published from now on (still published)."""
    queued: list[int] = []
    publish = producer.publish

    def recording(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        if (kwargs.get("headers") or {}).get("task") == "ve_edu_vault.analytics.tasks.rebuild_item_summaries":
            queued.append(int(body[0][0]))
        return publish(self, body, *args, **kwargs)

    producer.publish = recording
    return queued


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="50,000 responses, a 2,000 sample")
    parser.add_argument("--no-fail", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    if args.quick:
        args.responses, args.sample = 50_000, 2_000

    create_database(args.database_url, bench="bench_regrade", fresh=True)
    os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "memory://")
    setup_django(args.database_url, data_dir="/tmp/vault_bench_rg")
    from kombu import Producer

    from ve_edu_vault.analytics.tasks import rebuild_item_summaries
    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.regrade import api
    from ve_edu_vault.regrade.models import RegradeItem

    started = time.perf_counter()
    first_user = contiguous_learners(LEARNERS)
    question, old_version = _generate(args.responses, first_user)
    sample_question, sample_old = _generate(args.sample, first_user)
    generated = time.perf_counter() - started
    print(f"generated {args.responses:,} + {args.sample:,} responses in {generated:.1f} s (INSERT ... SELECT)")

    new_version = _correct(question)
    sample_new = _correct(sample_question)

    run_id = _new_run(question, old_version, new_version, args.batch_size)
    queued = _record_rebuilds(Producer)
    batch_ends: list[float] = []
    started = time.perf_counter()
    run = api.run_batches(run_id, follow_up=False, on_batch=lambda _run: batch_ends.append(time.perf_counter()))
    finished = time.perf_counter()
    bulk = finished - started
    # After the last batch's commit: the closing transaction and the REGRADE_FINISHED receivers run after it.
    batches = (batch_ends[-1] if batch_ends else finished) - started

    started = time.perf_counter()
    for assessment_id in queued:
        rebuild_item_summaries(assessment_id)
    rebuild = time.perf_counter() - started

    sample_run = _new_run(sample_question, sample_old, sample_new, args.batch_size)
    started = time.perf_counter()
    rows = _row_by_row(sample_run, sample_old, sample_new)
    orm = time.perf_counter() - started
    orm_scaled = orm * args.responses / max(rows, 1)

    # The regrade must have regraded each response once and moved exactly the "a" and "b" answers.
    items = RegradeItem.objects.filter(run_id=run_id).count()
    wrong = Response.objects.filter(question_id=question).exclude(correct=True).filter(answer={"p0": "b"}).count()
    passed_attempts = Attempt.objects.filter(responses__question_id=question, passed=True).count()
    checks = items == args.responses == run.done and wrong == 0 and passed_attempts == (args.responses + 1) // 3
    checks = checks and len(queued) == 1
    print(
        f"regrade   {run.done:>9,} responses  {bulk:8.2f} s  {run.done / bulk:>10,.0f} responses/s  "
        f"(batches of {args.batch_size:,}; {run.changed:,} changed)"
    )
    print(
        f"  of which {batches:.2f} s in batches, {bulk - batches:.2f} s after the last one (the run closed and "
        f"REGRADE_FINISHED's receivers: analytics queues the item summaries' rebuild)"
    )
    print(f"rebuild   {len(queued)} queued, run here after the regrade (the worker's task): {rebuild:.2f} s")
    print(
        f"row/ORM   {rows:>9,} responses  {orm:8.2f} s  {rows / orm:>10,.0f} responses/s  "
        f"-> {orm_scaled:,.0f} s scaled to {args.responses:,}"
    )
    print(f"speed-up  {orm_scaled / bulk:.1f} x   checks: {'ok' if checks else 'FAILED'}")
    ok = bulk < TARGET_SECONDS * args.responses / 1_000_000 if args.quick else bulk < TARGET_SECONDS
    ok = ok and checks
    limit = TARGET_SECONDS if not args.quick else TARGET_SECONDS * args.responses / 1_000_000
    print(
        f"regrade of {args.responses:,} responses in {bulk:.1f} s (target < {limit:.1f} s): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
