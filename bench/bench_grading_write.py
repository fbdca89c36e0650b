"""
The submission's grading write in-process: two statements (``update_responses``, then ``close_attempt``) against one
(``grade_attempt``, ADR 0036), alternated in the same run on the same database.

TLDR: ``.venv/bin/python bench/bench_grading_write.py [--attempts N] [--rounds R]``. The ORM runs on
``DATABASE_URL`` (default MariaDB, ``mysql://root@127.0.0.1:3306/vault_bench_grading``; PostgreSQL with
``postgres://postgres@127.0.0.1:5432/vault_bench_grading``; the database is recreated and migrated). Attempts of 5
responses are created first, untimed; then, in each round, N attempts are graded each way (which way goes first
alternates by round), each in its own transaction as a submission's: BEGIN, the write, COMMIT. The fields written are
the submission's (score, raw score, correctness, grader feedback, tries and grading time of each response; the
attempt's state, times, totals, reason and queued grade report). Prints microseconds per grading each way per round
and the medians. No target: the figure for docs/decisions/0036-one-statement-grading-write.rst.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import create_database, setup_django

RESPONSES = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--attempts", type=int, default=300, help="attempts graded each way per round")
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "mysql://root@127.0.0.1:3306/vault_bench_grading")
    create_database(url, bench="bench_grading_write", fresh=True, collation=None)
    setup_django(url, data_dir="/tmp/vault-bench-grading")
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments.repositories import NewAttempt, NewResponse, get_assessment_repository, get_repository
    from ve_edu_vault.questions import api as questions
    from ve_edu_vault.questions.data import QuestionContent
    from ve_edu_vault.questions.data_api import NewVersion
    from ve_edu_vault.questions.repositories import NewQuestion
    from ve_edu_vault.questions.repositories import get_repository as question_repository

    course = CourseKey.from_string("course-v1:Bench+Grading+2026")
    content = QuestionContent.from_dict(
        {
            "title": "Q",
            "prompt": "<p>Pick</p>",
            "parts": [
                {
                    "id": "p0",
                    "type": "multiple_choice",
                    "config": {"choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
                    "answer_key": {"correct": "a"},
                }
            ],
        }
    )
    ids = question_repository().create_many(
        [NewQuestion(course_key=course, version=NewVersion.from_content(content)) for _ in range(RESPONSES)]
    )
    versions = [questions.get_question(question_id).current_version for question_id in ids]
    assessment_id = get_assessment_repository().create_assessment(
        course_key=course, node_id=None, title="Bench", config={}, created_by_id=None
    )
    total = 2 * options.attempts * options.rounds
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench{i}") for i in range(total)])
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    repository = get_repository("django")
    started = timezone.now()
    attempts = [
        repository.create_attempt(
            NewAttempt(
                assessment_id=assessment_id,
                user_id=user_id,
                number=1,
                seed=index,
                started_at=started,
                deadline=None,
                responses=tuple(
                    NewResponse(position=p, question_id=v.question_id, question_version_id=v.id)
                    for p, v in enumerate(versions)
                ),
            )
        )
        for index, user_id in enumerate(users)
    ]

    def grading(attempt: Any) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, Any]]:
        now = timezone.now()
        updates = [
            (
                item.id,
                {
                    "score": 1.0 if p % 2 == 0 else 0.0,
                    "graded_at": now,
                    "raw_score": 1.0 if p % 2 == 0 else 0.0,
                    "correct": p % 2 == 0,
                    "feedback": {"score": 1.0 if p % 2 == 0 else 0.0, "correct": p % 2 == 0, "feedback": {}},
                    "tries_used": 1,
                },
            )
            for p, item in enumerate(attempt.responses)
        ]
        fields = {
            "state": "graded",
            "submitted_at": now,
            "graded_at": now,
            "earned": 3.0,
            "possible": 5.0,
            "score": 0.6,
            "passed": True,
            "submit_reason": "learner",
            "report_due_at": now,
        }
        return updates, fields

    def two(attempt: Any) -> None:
        updates, fields = grading(attempt)
        with transaction.atomic():
            repository.update_responses(updates)
            graded = [replace_fields(item, dict(updates)[item.id]) for item in attempt.responses]
            repository.close_attempt(attempt, graded, **fields)

    def one(attempt: Any) -> None:
        updates, fields = grading(attempt)
        with transaction.atomic():
            repository.grade_attempt(attempt, updates, **fields)

    ways = {"two statements": two, "one statement": one}
    figures: dict[str, list[float]] = {name: [] for name in ways}
    pending = iter(attempts)
    print(
        f"{connection.vendor}: {options.rounds} rounds of {options.attempts}"
        f" gradings each way, {RESPONSES} responses each"
    )
    for round_number in range(options.rounds):
        order = list(ways) if round_number % 2 == 0 else list(reversed(ways))
        line = []
        for name in order:
            batch = [next(pending) for _ in range(options.attempts)]
            start = time.perf_counter()
            for attempt in batch:
                ways[name](attempt)
            micros = (time.perf_counter() - start) / len(batch) * 1e6
            figures[name].append(micros)
            line.append(f"{name} {micros:,.0f} us")
        print(f"round {round_number + 1}: " + ", ".join(line))
    two_us, one_us = (statistics.median(figures[name]) for name in ways)
    print(f"median: two statements {two_us:,.0f} us, one statement {one_us:,.0f} us per grading "
          f"({two_us - one_us:,.0f} us, {1 - one_us / two_us:.0%} less)")  # fmt: skip
    return 0


def replace_fields(item: Any, fields: dict[str, Any]) -> Any:
    from dataclasses import replace

    return replace(item, **fields)


if __name__ == "__main__":
    raise SystemExit(main())
