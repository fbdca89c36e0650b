"""
Benchmark of the analytics summaries on MariaDB: adding one graded attempt takes the same time at 10,000 and at
100,000 attempts (constant time per graded attempt), against a same-run baseline of recomputing the summaries
from every attempt (what a refresh without incremental sums costs per graded attempt); and a warm-cache read.

TLDR: run ``.venv/bin/python bench/bench_summaries.py [--sizes 10000,100000] [--added N] [--no-fail]``. For each size
it creates (``INSERT ... SELECT`` over the sequence engine) an assessment of 5 multiple-choice questions with that
many graded attempts, two per learner, builds the summaries (timed: the baseline), then adds ``--added`` more
graded attempts one at a time with ``summaries.apply_graded_attempt`` (timed per attempt), and reads the item
analysis twice (the second read is the warm-cache one), and renders the instructor dashboard page 20 times as
course staff (warm cache: the whole request through Django's test client). Targets: the per-attempt time at the
largest size within 2x of the smallest (constant), and the warm dashboard under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import create_database, setup_django  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_summaries"
QUESTIONS = 5


def _assessment(course: str) -> tuple[int, list[tuple[int, int]]]:
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.questions import api as questions

    key = CourseKey.from_string(course)
    pairs = []
    for index in range(QUESTIONS):
        content = {
            "title": f"Q{index}",
            "prompt": "<p>Pick one.</p>",
            "parts": [
                {
                    "id": "p0",
                    "type": "multiple_choice",
                    "config": {"choices": [{"id": c, "text": c.upper()} for c in "abcd"], "shuffle": False},
                    "answer_key": {"correct": "a"},
                }
            ],
        }
        question = questions.create_question(key, content=content)
        assert question.current_version is not None
        pairs.append((question.id, question.current_version.id))
    created = assessments.create_assessment(
        key,
        node_usage_key=None,
        title="Bench",
        config={"selection": {"mode": "fixed", "question_ids": [q for q, _ in pairs]}, "attempt_limit": None},
    )
    return int(created.id), pairs


def _learners(count: int) -> int:
    """``count`` learners with contiguous ids (one INSERT ... SELECT); returns the first id."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM " + table)
        first = int(cursor.fetchone()[0]) + 1
        cursor.execute(
            f"""
            INSERT INTO {table} (id, password, is_superuser, username, first_name, last_name, email, is_staff,
                is_active, date_joined)
            SELECT %s + seq, '!', 0, CONCAT('bench', %s + seq), '', '', '', 0, 1, NOW(6) FROM seq_0_to_{count - 1}
            """,
            [first, first],
        )
    return first


def _attempts(
    assessment_id: int, pairs: list[tuple[int, int]], first_user: int, learners: int, start: int, count: int
) -> None:
    """Graded attempts ``start .. start + count - 1`` (seq), 5 responses each, answers varying with the seq."""
    from django.db import connection

    from ve_edu_vault.assessments.models import Attempt, Response

    attempts, responses = Attempt._meta.db_table, Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {attempts} (assessment_id, user_id, number, state, seed, started_at, deadline,
                submitted_at, graded_at, earned, possible, score, passed, submit_reason, in_progress, modified,
                report_tries, report_error)
            SELECT %s, %s + (seq %% {learners}), 1 + (seq DIV {learners}), 'graded', seq, NOW(6), NULL,
                NOW(6) + INTERVAL (seq %% 600) SECOND, NOW(6), 0, {QUESTIONS}, 0, 0, 'learner', NULL, NOW(6), 0, ''
            FROM seq_{start}_to_{start + count - 1}
            """,
            [assessment_id, first_user],
        )
        for position, (question_id, version_id) in enumerate(pairs):
            cursor.execute(
                f"""
                INSERT INTO {responses} (attempt_id, position, question_id, question_version_id, points, answer,
                    raw_score, score, correct, tries_used, hints_shown, checked, feedback, graded_at, modified)
                SELECT id, %s, %s, %s, 1, JSON_OBJECT('p0', ELT(1 + ((seed DIV (%s + 1)) %% 4), 'a', 'b', 'c', 'd')),
                    0, 0, 0, 1, 0, 1, NULL, NOW(6), NOW(6)
                FROM {attempts} WHERE assessment_id = %s AND seed BETWEEN %s AND %s
                """,
                [position, question_id, version_id, position, assessment_id, start, start + count - 1],
            )
        cursor.execute(
            f"UPDATE {responses} r JOIN {attempts} a ON a.id = r.attempt_id SET r.score = 1, r.raw_score = 1, "
            f"r.correct = 1 WHERE a.assessment_id = %s AND a.seed BETWEEN %s AND %s AND r.answer LIKE '%%\"a\"%%'",
            [assessment_id, start, start + count - 1],
        )
        cursor.execute(
            f"UPDATE {attempts} a SET earned = (SELECT SUM(score) FROM {responses} WHERE attempt_id = a.id), "
            f"score = (SELECT SUM(score) FROM {responses} WHERE attempt_id = a.id) / {QUESTIONS} "
            "WHERE a.assessment_id = %s AND a.seed BETWEEN %s AND %s",
            [assessment_id, start, start + count - 1],
        )


def _dashboard_renders(assessment_id: int, course: str) -> list[float]:
    """Server times of 20 warm-cache renders of the dashboard page (Django's test client, as course staff)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from opaque_keys.edx.keys import CourseKey

    from hosts.standalone_platform.backend import grant_course_role

    staff, _ = get_user_model().objects.get_or_create(username=f"bench-staff-{assessment_id}")
    grant_course_role(staff, CourseKey.from_string(course))
    client = Client()
    client.force_login(staff)
    url = f"/ve-edu-vault/courses/{course}/staff/assessments/{assessment_id}/"
    assert client.get(url).status_code == 200  # warms the cache
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--added", type=int, default=200)
    parser.add_argument("--no-fail", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    create_database(args.database_url, bench="bench_summaries", fresh=True)
    setup_django(args.database_url, data_dir="/tmp/vault_bench_export")
    from ve_edu_vault.analytics import api, summaries
    from ve_edu_vault.assessments.models import Attempt

    figures = {}
    for size in sizes:
        learners = max(1, size // 2)  # two attempts a learner, as on a quiz with retakes
        first_user = _learners(learners)
        assessment_id, pairs = _assessment(f"course-v1:VE+BenchSummaries{size}+2026")
        _attempts(assessment_id, pairs, first_user, learners, 0, size)
        started = time.perf_counter()
        summaries.rebuild(assessment_id)
        rebuild = time.perf_counter() - started
        _attempts(assessment_id, pairs, first_user, learners, size, args.added)
        added = list(
            Attempt.objects.filter(assessment_id=assessment_id, seed__gte=size)
            .order_by("seed")
            .values_list("id", flat=True)
        )
        per_attempt = []
        for attempt_id in added:
            started = time.perf_counter()
            assert summaries.apply_graded_attempt(attempt_id)
            per_attempt.append(time.perf_counter() - started)
        started = time.perf_counter()
        cold = api.item_analysis(assessment_id)
        cold_read = time.perf_counter() - started
        warm_reads = []
        for _ in range(20):
            started = time.perf_counter()
            api.item_analysis(assessment_id)
            warm_reads.append(time.perf_counter() - started)
        assert cold.assessment.attempts == size + args.added, cold.assessment.attempts
        page_times = _dashboard_renders(assessment_id, f"course-v1:VE+BenchSummaries{size}+2026")
        figures[size] = {
            "rebuild_s": rebuild,
            "add_ms_median": statistics.median(per_attempt) * 1000,
            "add_ms_p90": sorted(per_attempt)[int(0.9 * len(per_attempt))] * 1000,
            "cold_read_ms": cold_read * 1000,
            "warm_read_ms": statistics.median(warm_reads) * 1000,
            "page_ms": statistics.median(page_times) * 1000,
        }
        f = figures[size]
        print(
            f"{size:>7,} attempts: add one graded attempt {f['add_ms_median']:.1f} ms median "
            f"({f['add_ms_p90']:.1f} ms p90)  |  baseline, rebuild from every attempt {rebuild:.2f} s  |  "
            f"read after a change {f['cold_read_ms']:.0f} ms, warm-cache read {f['warm_read_ms']:.1f} ms, "
            f"dashboard page {f['page_ms']:.0f} ms"
        )
    small, large = figures[sizes[0]], figures[sizes[-1]]
    ratio = large["add_ms_median"] / small["add_ms_median"]
    checks = {
        f"per graded attempt {small['add_ms_median']:.1f} ms at {sizes[0]:,}, {large['add_ms_median']:.1f} ms at "
        f"{sizes[-1]:,}: {ratio:.2f}x (target <= 2x, constant)": ratio <= 2.0,
        f"dashboard page at {sizes[-1]:,} attempts, warm cache, {large['page_ms']:.0f} ms (target < 300 ms)": large[
            "page_ms"
        ]
        < 300,
    }
    for text, ok in checks.items():
        print(("PASS " if ok else "FAIL ") + text)
    print(json.dumps(figures))
    return 0 if all(checks.values()) or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
