"""
Benchmark of question search on 100k questions: the database's full-text index against a LIKE scan.

TLDR: ``DATABASE_URL=mysql://root@127.0.0.1:3306/vault_bench_search .venv/bin/python
bench/bench_question_search.py [--count N] [--no-fail]`` (MariaDB by default; PostgreSQL with a
``postgres://`` URL). It stores N questions of one course through the repository (bulk), then times,
median of repeated runs, for words of different frequency:

- ours:  ``questions.api.list_questions(course, text=word)`` (first page of 50 and the total), which
         uses MATCH ... AGAINST on MariaDB and a GIN-indexed tsvector on PostgreSQL;
- like:  the same page and total with ``search_text__icontains`` (a scan: what an unindexed search does);
- tag:   ``list_questions(course, tag=...)`` (indexed tag table).

Target (PASS/FAIL, non-zero exit on FAIL unless ``--no-fail``): every text and tag search under
200 ms at 100k questions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _database import create_database

os.environ.setdefault("DATABASE_URL", "mysql://root@127.0.0.1:3306/vault_bench_search")
os.environ.setdefault("VAULT_DATA_DIR", "/tmp/vault-bench-search")
os.environ["DJANGO_SETTINGS_MODULE"] = "hosts.cms.settings"
os.environ.setdefault("DJANGO_DEBUG", "0")

TARGET_MS = 200.0
WORDS = [f"w{i:04d}" for i in range(2000)]  # a vocabulary with a long tail, as course text has
RARE, COMMON = "zanzibar", "fraction"


def _content(index: int, rng: random.Random) -> Any:
    from ve_edu_vault.questions.data import QuestionContent

    words = " ".join(rng.choice(WORDS) for _ in range(12))
    extra = f" {COMMON}" if index % 10 == 0 else ""
    extra += f" {RARE}" if index % 10_000 == 0 else ""
    return QuestionContent.from_dict(
        {
            "title": f"Question {index}",
            "prompt": f"<p>{words}{extra}?</p>",
            "tags": [f"t{index % 50}"],
            "parts": [
                {
                    "id": "p0",
                    "type": "multiple_choice",
                    "config": {"choices": [{"id": "a", "text": rng.choice(WORDS)}, {"id": "b", "text": "other"}]},
                    "answer_key": {"correct": "a"},
                }
            ],
        }
    )


def _median_ms(function: Any, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args()
    create_database(os.environ["DATABASE_URL"], bench="bench_question_search", fresh=True, collation=None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.questions import api
    from ve_edu_vault.questions.data_api import NewVersion
    from ve_edu_vault.questions.models import Question
    from ve_edu_vault.questions.repositories import NewQuestion, get_repository

    call_command("migrate", verbosity=0)
    course = CourseKey.from_string("course-v1:Bench+Search+2026")
    rng = random.Random(7)
    started = time.perf_counter()
    repository = get_repository()
    for start in range(0, args.count, 5_000):
        batch = [
            NewQuestion(course_key=course, version=NewVersion.from_content(_content(i, rng)))
            for i in range(start, min(start + 5_000, args.count))
        ]
        repository.create_many(batch)
    # Fresh planner statistics, as autovacuum (PostgreSQL) and InnoDB's auto-recalc keep them in a live
    # database: with none, PostgreSQL estimates 41 questions for the course and evaluates to_tsvector on
    # every row (1.8 s) instead of using the GIN index (1 ms).
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("ANALYZE TABLE ve_edu_vault_question, ve_edu_vault_questionversion")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE ve_edu_vault_question, ve_edu_vault_questionversion, ve_edu_vault_questiontag")
    print(f"database: {connection.vendor}; stored {args.count:,} questions in {time.perf_counter() - started:.1f} s")

    def ours(word: str) -> tuple[int, int]:
        page = api.list_questions(course, text=word, limit=50)
        return len(page.items), page.total

    def like(word: str) -> tuple[int, int]:
        rows = Question.objects.filter(course_key=course, current_version__search_text__icontains=word)
        return len(list(rows.select_related("current_version").order_by("-created", "-pk")[:50])), rows.count()

    failures = []
    print(f"{'search':<22} {'matches':>8} {'ours ms':>9} {'like ms':>9} {'like/ours':>10}")
    for label, word in (("rare word", RARE), ("common word (10%)", COMMON), ("random word", WORDS[123])):
        found, total = ours(word)
        like_found, like_total = like(word)
        assert found == like_found, f"first pages differ in size for {word!r}"
        assert total == like_total, f"full-text found {total}, LIKE found {like_total} for {word!r}"
        ours_ms, like_ms = _median_ms(lambda w=word: ours(w)), _median_ms(lambda w=word: like(w), repeat=3)
        print(f"{label:<22} {total:>8,} {ours_ms:>9.1f} {like_ms:>9.1f} {like_ms / ours_ms:>10.1f}")
        if ours_ms > TARGET_MS:
            failures.append(label)
    tag_ms = _median_ms(lambda: api.list_questions(course, tag="t7", limit=50))
    print(f"{'tag (2%)':<22} {api.list_questions(course, tag='t7', limit=1).total:>8,} {tag_ms:>9.1f}")
    if tag_ms > TARGET_MS:
        failures.append("tag")
    verdict = "PASS" if not failures else f"FAIL ({', '.join(failures)})"
    print(f"every search under {TARGET_MS:.0f} ms at {args.count:,} questions: {verdict}")
    return 1 if failures and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
