"""
Benchmark of the streaming CSV export of responses on MariaDB against a same-run baseline: a raw cursor reading
the same rows.

TLDR: run ``.venv/bin/python bench/bench_export.py [--large N] [--small N] [--quick] [--no-fail]``. It creates and
migrates ``DATABASE_URL`` (default ``mysql://root@127.0.0.1:3306/vault_bench_export``), then generates, with
``INSERT ... SELECT`` over MariaDB's sequence engine (no Python loop per row), two courses of one assessment each:
``--small`` (100,000) and ``--large`` (1,000,000) graded attempts of one response, over 1,000 learners.

Each measurement runs in a fresh Python process (so its peak RSS is its own), for each course:

- export: ``analytics.api.stream_export`` of the responses as CSV, every byte consumed (what the REST endpoint's
  ``StreamingHttpResponse`` and the command do): rows/s, peak RSS, and the time to the first chunk that holds rows
  (not the header, which leaves before any query);
- baseline: one raw cursor (``django.db.connection.cursor()``, MySQLdb's default cursor) running one SELECT of the
  same columns with the same joins and filter, every row fetched (``fetchmany``), nothing encoded; once ordered by
  response id and once in no order (MariaDB then skips the sort), and the faster of the two is the baseline: the
  fastest simple way to read the rows, the floor of any export. Its peak RSS is MySQLdb's whole result in memory.

Targets (PASS/FAIL; exit 1 on FAIL unless ``--no-fail``): the export at least 0.5x the baseline's rows/s on the large
course; the export's peak RSS on the large course within 1.25x of the small one's (flat); the first rows in under
1 s. ``--quick``: 20,000 and 200,000 rows. The database is dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import contiguous_learners, create_database, insert_graded_attempts, setup_django  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_export"
SMALL_COURSE = "course-v1:VE+BenchExportSmall+2026"
LARGE_COURSE = "course-v1:VE+BenchExportLarge+2026"
LEARNERS = 1000
DATA_DIR = "/tmp/vault_bench_export"


def _generate(course: str, count: int, first_user: int) -> int:
    """A question, an assessment and ``count`` graded one-response attempts in ``course``; the assessment id."""
    from django.db import connection
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.questions import api as questions

    key = CourseKey.from_string(course)
    content = {
        "title": "Capital",
        "prompt": "<p>Which city is the capital of France?</p>",
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}], "shuffle": False},
                "answer_key": {"correct": "a"},
            }
        ],
    }
    question = questions.create_question(key, content=content)
    version = question.current_version
    assert version is not None
    assessment = assessments.create_assessment(
        key,
        node_usage_key=None,
        title="Bench",
        config={"selection": {"mode": "fixed", "question_ids": [question.id]}, "attempt_limit": None},
    )
    insert_graded_attempts(assessment.id, first_user, count, learners=LEARNERS)
    attempts, responses = Attempt._meta.db_table, Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {responses} (attempt_id, position, question_id, question_version_id, points, answer,
                raw_score, score, correct, tries_used, hints_shown, checked, feedback, graded_at, modified)
            SELECT id, 0, %s, %s, 1, IF(seed %% 3 = 0, '{{"p0": "a"}}', '{{"p0": "b"}}'),
                IF(seed %% 3 = 0, 1, 0), IF(seed %% 3 = 0, 1, 0), IF(seed %% 3 = 0, 1, 0), 1, 0, 1, NULL,
                NOW(6), NOW(6)
            FROM {attempts} WHERE assessment_id = %s
            """,
            [question.id, version.id, assessment.id],
        )
    return int(assessment.id)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(course: str) -> dict[str, Any]:
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.analytics import api

    request = api.export_request("responses", CourseKey.from_string(course), fmt="csv")
    started = time.perf_counter()
    first_rows: float | None = None
    size = lines = 0
    for index, chunk in enumerate(api.stream_export(request)):
        if index == 1 and first_rows is None:
            first_rows = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    return {"rows": lines - 1, "bytes": size, "seconds": seconds, "first_rows": first_rows, "rss_mb": _peak_rss_mb()}


def child_baseline(course: str, *, ordered: bool = True) -> dict[str, Any]:
    from django.db import connection

    from ve_edu_vault.analytics.models import ExportJob  # noqa: F401 - the app registry is loaded
    from ve_edu_vault.assessments.models import Assessment, Attempt, Response
    from ve_edu_vault.questions.models import QuestionVersion

    sql = f"""
        SELECT r.id, r.attempt_id, a.assessment_id, a.user_id, r.question_id, v.number, r.position, r.score,
               r.points, r.correct, r.tries_used, r.hints_shown, a.submitted_at, r.graded_at
        FROM {Response._meta.db_table} r
        JOIN {Attempt._meta.db_table} a ON a.id = r.attempt_id
        JOIN {Assessment._meta.db_table} s ON s.id = a.assessment_id
        JOIN {QuestionVersion._meta.db_table} v ON v.id = r.question_version_id
        WHERE s.course_key = %s AND a.state <> 'in_progress'
    """ + ("ORDER BY r.id" if ordered else "")
    started = time.perf_counter()
    rows = 0
    first_rows: float | None = None
    with connection.cursor() as cursor:
        cursor.execute(sql, [course])
        while True:
            page = cursor.fetchmany(2000)
            if not page:
                break
            if first_rows is None:
                first_rows = time.perf_counter() - started
            rows += len(page)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "first_rows": first_rows, "rss_mb": _peak_rss_mb()}


def _run_child(which: str, course: str, database_url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, "--course", course, "--database-url", database_url],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 and 200,000 rows")
    parser.add_argument("--no-fail", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--child", choices=["export", "baseline", "unordered"], help=argparse.SUPPRESS)
    parser.add_argument("--course", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        setup_django(args.database_url, data_dir=DATA_DIR, migrate=False)
        if args.child == "export":
            result = child_export(args.course)
        else:
            result = child_baseline(args.course, ordered=args.child == "baseline")
        print(json.dumps(result))
        return 0

    if args.quick:
        args.small, args.large = 20_000, 200_000
    create_database(args.database_url, bench="bench_export", fresh=True)
    setup_django(args.database_url, data_dir=DATA_DIR)
    started = time.perf_counter()
    first_user = contiguous_learners(LEARNERS)
    _generate(SMALL_COURSE, args.small, first_user)
    _generate(LARGE_COURSE, args.large, first_user)
    print(f"generated {args.small:,} + {args.large:,} responses in {time.perf_counter() - started:.1f} s")

    figures: dict[str, dict[str, Any]] = {}
    for label, course, rows in (("small", SMALL_COURSE, args.small), ("large", LARGE_COURSE, args.large)):
        export = _run_child("export", course, args.database_url)
        ordered = _run_child("baseline", course, args.database_url)
        unordered = _run_child("unordered", course, args.database_url)
        assert export["rows"] == ordered["rows"] == unordered["rows"] == rows, (export, ordered, unordered, rows)
        baseline = min(ordered, unordered, key=lambda figure: figure["seconds"])
        figures[label] = {"export": export, "baseline": baseline}
        print(
            f"{rows:>9,} responses  raw cursor with ORDER BY {ordered['seconds']:6.2f} s, without "
            f"{unordered['seconds']:6.2f} s: the faster is the baseline"
        )
        print(
            f"{rows:>9,} responses  export CSV {export['seconds']:6.2f} s ({rows / export['seconds']:>9,.0f} rows/s, "
            f"{export['bytes'] / 1e6:.0f} MB, first rows {export['first_rows'] * 1000:.0f} ms, "
            f"peak RSS {export['rss_mb']:.0f} MB)  |  raw cursor {baseline['seconds']:6.2f} s "
            f"({rows / baseline['seconds']:>9,.0f} rows/s, first rows {baseline['first_rows'] * 1000:.0f} ms, "
            f"peak RSS {baseline['rss_mb']:.0f} MB)"
        )
    large, small = figures["large"], figures["small"]
    ratio = large["baseline"]["seconds"] / large["export"]["seconds"]
    flat = large["export"]["rss_mb"] / small["export"]["rss_mb"]
    first = large["export"]["first_rows"]
    checks = {
        f"export speed {ratio:.2f}x the raw cursor (target >= 0.5x)": ratio >= 0.5,
        f"peak RSS {small['export']['rss_mb']:.0f} MB at {args.small:,}, {large['export']['rss_mb']:.0f} MB at "
        f"{args.large:,} rows: {flat:.2f}x (target <= 1.25x)": flat <= 1.25,
        f"first rows after {first * 1000:.0f} ms (target < 1000 ms)": first < 1.0,
    }
    for text, ok in checks.items():
        print(("PASS " if ok else "FAIL ") + text)
    return 0 if all(checks.values()) or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
