"""
Attempt writes, attempt reads and question reads per second on each storage backend, in one run.

TLDR: ``.venv/bin/python bench/bench_storage.py [--attempts N]``. The ORM backend runs on ``DATABASE_URL``
(default MariaDB, ``mysql://root@127.0.0.1:3306/vault_bench_storage``; the database is recreated and migrated);
the MongoDB backend on ``BENCH_MONGODB_URL`` or, when unset, the in-process ``mongomock`` stand-in (no server can
be installed on these machines: its figures are Python's, not a server's, and are printed as such). For each
backend, through the attempt repository:

- attempt write: ``create_attempt`` (5 responses), ``update_responses`` (5 graded), ``close_attempt``: what a
  start and a submission store;
- attempt read: ``get_attempt`` of a random stored attempt (with its responses);
- question read: ``get_versions`` of 5 versions through the question repository of the backend (the MongoDB bank
  holds a copy of the SQL one made with ``put_questions``, same ids: the bank each backend serves since ADR 0027).

Baselines, same run, the fastest simple way to store and read the same data on the same store: the ORM's is raw
SQL through one cursor (one INSERT of the attempt, one multi-row INSERT of its responses, one UPDATE; one SELECT
with a join to read; one SELECT of the versions by id); MongoDB's is one ``insert_one`` of the finished document and
one ``find_one`` (one ``find`` on ``versions.id`` for the questions). No target: figures for the ADRs
(docs/decisions/0016-one-door-to-storage.rst, 0024-question-bank-and-exports-on-mongodb.rst).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import create_database

os.environ.setdefault("DATABASE_URL", "mysql://root@127.0.0.1:3306/vault_bench_storage")
os.environ.setdefault("VAULT_DATA_DIR", "/tmp/vault-bench-storage")
os.environ["DJANGO_SETTINGS_MODULE"] = "hosts.lms.settings"
os.environ.setdefault("DJANGO_DEBUG", "0")


def rate(count: int, work: Callable[[int], Any]) -> float:
    start = time.perf_counter()
    for index in range(count):
        work(index)
    return count / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--attempts", type=int, default=400)
    options = parser.parse_args()
    create_database(os.environ["DATABASE_URL"], bench="bench_storage", fresh=True, collation=None)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments.repositories import NewAttempt, NewResponse, get_assessment_repository, get_repository
    from ve_edu_vault.questions import api as questions
    from ve_edu_vault.questions.data import QuestionContent
    from ve_edu_vault.questions.data_api import NewVersion
    from ve_edu_vault.questions.repositories import NewQuestion
    from ve_edu_vault.questions.repositories import get_repository as question_repository
    from ve_edu_vault.storage import mongodb, mongodb_indexes

    call_command("migrate", verbosity=0)
    settings.VE_EDU_VAULT_MONGODB_URL = os.environ.get("BENCH_MONGODB_URL") or "mongomock://"
    settings.VE_EDU_VAULT_MONGODB_DATABASE = "vault_bench_storage"
    mongodb.reset()
    mongodb.client().drop_database("vault_bench_storage")
    mongodb_indexes.ensure_indexes(mongodb.database())
    course = CourseKey.from_string("course-v1:Bench+Storage+2026")
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
        [NewQuestion(course_key=course, version=NewVersion.from_content(content)) for _ in range(5)]
    )
    versions = [questions.get_question(qid).current_version for qid in ids]
    version_ids = [v.id for v in versions if v is not None]
    question_repository("mongodb").put_questions(
        question_repository("django").course_questions(course, after_id=0, limit=len(ids))
    )
    assessment_id = get_assessment_repository().create_assessment(
        course_key=course, node_id=None, title="Bench", config={}, created_by_id=None
    )
    users = [get_user_model().objects.create(username=f"bench{i}").pk for i in range(options.attempts)]
    now = timezone.now()

    def new(index: int) -> Any:
        return NewAttempt(
            assessment_id=assessment_id,
            user_id=users[index],
            number=1,
            seed=index,
            started_at=now,
            deadline=None,
            responses=tuple(
                NewResponse(position=p, question_id=versions[p].question_id, question_version_id=version_ids[p])
                for p in range(5)
            ),
        )

    graded = {"raw_score": 1.0, "score": 1.0, "correct": True, "answer": {"p0": "a"}, "graded_at": now}
    stand_in = "mock" in settings.VE_EDU_VAULT_MONGODB_URL
    where = "the mongomock stand-in (in-process: not a server)" if stand_in else "a server"
    print(f"{options.attempts} attempts of 5 responses per backend; ORM on {connection.vendor}, MongoDB on {where}")
    print(f"{'backend':<10} {'what':<16} {'repository/s':>13} {'baseline/s':>11}  baseline")
    for name in ("django", "mongodb"):
        repository = get_repository(name)
        stored: list[int] = []

        def write(index: int, repository: Any = repository, stored: list[int] = stored) -> None:
            with transaction.atomic():
                attempt = repository.create_attempt(new(index))
                repository.update_responses([(item.id, dict(graded)) for item in attempt.responses])
                repository.close_attempt(attempt, attempt.responses, state="graded", submitted_at=now, graded_at=now)
            stored.append(attempt.id)

        writes = rate(options.attempts, write)
        reads = rate(options.attempts, lambda _i, r=repository, s=stored: r.get_attempt(random.choice(s)))
        bank = question_repository(name)
        assert len(bank.get_versions(version_ids)) == len(version_ids)
        question_reads = rate(options.attempts, lambda _i, bank=bank: bank.get_versions(version_ids))
        if name == "django":
            base_writes, base_reads, how = _sql_baseline(options.attempts, assessment_id, users, version_ids, versions)
            base_questions = rate(options.attempts, lambda _i: _sql_versions(version_ids))
        else:
            base_writes, base_reads, how = _mongo_baseline(options.attempts, assessment_id, users, version_ids)
            found = mongodb.database()["questions"]
            base_questions = rate(
                options.attempts,
                lambda _i, f=found: list(f.find({"versions.id": {"$in": version_ids}})),
            )
        print(f"{name:<10} {'attempt write':<16} {writes:>13,.0f} {base_writes:>11,.0f}  {how}")
        print(f"{name:<10} {'attempt read':<16} {reads:>13,.0f} {base_reads:>11,.0f}")
        print(f"{name:<10} {'question read':<16} {question_reads:>13,.0f} {base_questions:>11,.0f}")
    return 0


def _sql_baseline(count: int, assessment_id: int, users: list[int], version_ids: list[int], versions: Any) -> Any:
    from django.db import connection, transaction
    from django.utils import timezone

    from ve_edu_vault.assessments.repositories.django_orm import Attempt, Response

    now = timezone.now()
    attempts, responses = Attempt._meta.db_table, Response._meta.db_table
    ids: list[int] = []
    start_id = 10_000_000

    def write(index: int) -> None:
        attempt_id = start_id + index
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {attempts} (id, assessment_id, user_id, number, state, in_progress, seed, started_at, "
                "earned, possible, score, passed, submit_reason, report_tries, report_error, modified) "
                "VALUES (%s, %s, %s, 2, 'in_progress', %s, 0, %s, NULL, NULL, NULL, NULL, '', 0, '', %s)",
                [attempt_id, assessment_id, users[index], True, now, now],  # a boolean: PostgreSQL's type
            )
            rows = [
                [
                    attempt_id * 10 + p,
                    attempt_id,
                    p,
                    versions[p].question_id,
                    version_ids[p],
                    1.0,
                    '{"p0": "a"}',
                    1.0,
                    1.0,
                    True,
                    0,
                    0,
                    False,
                    now,
                    now,
                ]
                for p in range(5)
            ]
            cursor.executemany(
                f"INSERT INTO {responses} (id, attempt_id, position, question_id, question_version_id, points, answer, "
                "raw_score, score, correct, tries_used, hints_shown, checked, graded_at, modified) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.execute(
                f"UPDATE {attempts} SET state = 'graded', in_progress = NULL, submitted_at = %s, graded_at = %s "
                "WHERE id = %s",
                [now, now, attempt_id],
            )
        ids.append(attempt_id)

    def read(_index: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.*, r.* FROM {attempts} a JOIN {responses} r ON r.attempt_id = a.id WHERE a.id = %s "
                "ORDER BY r.position",
                [random.choice(ids)],
            )
            cursor.fetchall()

    return rate(count, write), rate(count, read), "raw SQL, one cursor"


def _sql_versions(version_ids: list[int]) -> list[Any]:
    """The 5 versions' columns in one SELECT through one cursor."""
    from django.db import connection

    marks = ", ".join(["%s"] * len(version_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, question_id, number, content, type, title, tags, points, content_hash, author_id, created "
            f"FROM ve_edu_vault_questionversion WHERE id IN ({marks})",
            version_ids,
        )
        return list(cursor.fetchall())


def _mongo_baseline(count: int, assessment_id: int, users: list[int], version_ids: list[int]) -> Any:
    from django.utils import timezone

    from ve_edu_vault.storage import mongodb

    collection = mongodb.database()["baseline"]
    now = timezone.now()

    def write(index: int) -> None:
        collection.insert_one(
            {
                "_id": index,
                "assessment_id": assessment_id,
                "user_id": users[index],
                "state": "graded",
                "started_at": now,
                "graded_at": now,
                "responses": [
                    {"id": index * 10 + p, "question_version_id": version_ids[p], "answer": {"p0": "a"}, "score": 1.0}
                    for p in range(5)
                ],
            }
        )

    return (
        rate(count, write),
        rate(count, lambda _i: collection.find_one({"_id": random.randrange(count)})),
        ("one insert_one / find_one"),
    )


if __name__ == "__main__":
    sys.exit(main())
