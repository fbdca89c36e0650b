"""
The prepared queries' own Python per call (``ve_edu_vault/prepared_queries.py``), next to a baseline version of the
module from git, in one process, alternating.

What it measures: the submission's prepared-query work without the database's round trip: ``insert_rows`` of 3
``MasteryEvent`` rows, ``update_rows`` of 3 ``Response`` rows, ``update_row`` of the ``Attempt`` (the values a
submission writes, one ``now`` shared as the grading path shares it) and ``PreparedQuery.rows`` of the attempt access
read (``_ACCESS``: an attempt of 3 responses). The connection's ``cursor()`` is replaced by a replaying cursor: each
SELECT runs once on the database and its rows are handed back after that; writes are recorded, not sent. So both
versions do exactly their Python and nothing else, and every call's parameters and rows are compared: the script
fails if the two versions send different parameters (types included) or return different rows.

Baseline: ``ve_edu_vault/prepared_queries.py`` at ``--baseline`` (default: the commit before ADR 0037's adapters),
loaded from git as a separate module with its own per-connection cache.

Usage: ``.venv/bin/python bench/bench_prepared.py [--database-url URL] [--rounds N] [--calls N]``; default database
``mysql://root@127.0.0.1:3306/vault_bench_prepared`` (dropped and created again; loopback only).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_submit  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_prepared"
BASELINE = "5770742"


class _Replay:
    """A stand-in for ``connection.cursor``: SELECTs run once for real then replay; writes are only recorded."""

    def __init__(self, real: Callable[[], Any]) -> None:
        self.real = real
        self.selected: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        self.sent: list[tuple[str, list[Any]]] = []

    def __call__(self) -> _Cursor:
        return _Cursor(self)


class _Cursor:
    def __init__(self, owner: _Replay) -> None:
        self.owner = owner
        self.rows: list[Any] = []
        self.rowcount = 0

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, params: list[Any]) -> None:
        self.owner.sent.append((sql, list(params)))
        if sql.lstrip().upper().startswith("SELECT"):
            key = (sql, tuple(params))
            if key not in self.owner.selected:
                with self.owner.real() as cursor:
                    cursor.execute(sql, params)
                    self.owner.selected[key] = list(cursor.fetchall())
            self.rows = self.owner.selected[key]
        self.rowcount = 3

    def fetchall(self) -> list[Any]:
        return self.rows


def _baseline(ref: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{ref}:ve_edu_vault/prepared_queries.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "prepared_queries_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("prepared_queries_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module._CACHE_ATTRIBUTE = "_ve_edu_vault_prepared_baseline"  # its own statements, never the new module's
    return module


def _same(left: Any, right: Any) -> bool:
    if type(left) is not type(right):
        return False
    if hasattr(left, "obj") and hasattr(left, "dumps"):  # psycopg's Jsonb
        return bool(left.obj == right.obj and left.dumps is right.dumps)
    if isinstance(left, (list, tuple)):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def _operations(module: Any, attempt_id: int, response_ids: list[int], user_id: int) -> dict[str, Callable[[], Any]]:
    from opaque_keys.edx.keys import CourseKey

    from ve_edu_vault.assessments.models import Attempt, Response
    from ve_edu_vault.assessments.repositories import django_orm
    from ve_edu_vault.mastery.models import MasteryEvent

    course = CourseKey.from_string(bench_submit.COURSE)
    access = module.PreparedQuery(django_orm._ACCESS._build, shared_prefix=django_orm._ACCESS._shared)
    state = {"policy": "bkt", "p_known": 0.42, "p_learn": 0.1, "count": 3}
    # One grading time shared by every column, as the submission shares it; the repository's ``modified`` apart.
    at, modified = (
        datetime(2026, 12, 4, 21, 0, 1, 234567, tzinfo=UTC),
        datetime(2026, 12, 4, 21, 0, 1, 345678, tzinfo=UTC),
    )

    def insert_events() -> Any:
        now = at
        rows = [
            {
                "user_id": user_id,
                "node_id": 1 + index % 2,
                "course_key": course,
                "response_id": response_id,
                "question_id": 10 + index,
                "sequence": index,
                "correct": index != 1,
                "score": 1.0 if index != 1 else 0.0,
                "at": now,
                "before": state,
                "after": {**state, "p_known": 0.6},
                "explanation": "",
            }
            for index, response_id in enumerate(response_ids)
        ]
        return module.insert_rows(MasteryEvent, rows)

    def update_responses() -> Any:
        now = at
        updates = [
            (
                response_id,
                {
                    "score": 1.0,
                    "graded_at": now,
                    "raw_score": 1.0,
                    "correct": True,
                    "feedback": {"p0": {"correct": True}},
                    "tries_used": 1,
                    "modified": modified,
                },
            )
            for response_id in response_ids
        ]
        return module.update_rows(Response, updates)

    def close_attempt() -> Any:
        now = at
        values = {
            "state": "graded",
            "submitted_at": now,
            "graded_at": now,
            "earned": 3.0,
            "possible": 3.0,
            "score": 1.0,
            "passed": True,
            "submit_reason": "learner",
            "report_due_at": now,
            "in_progress": None,
            "modified": modified,
        }
        return module.update_row(Attempt, attempt_id, values)

    return {
        "insert_rows 3 MasteryEvent": insert_events,
        "update_rows 3 Response": update_responses,
        "update_row Attempt": close_attempt,
        "PreparedQuery.rows access": lambda: access.rows(attempt_id=attempt_id),
    }


def _per_call(call: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--baseline", default=BASELINE, help="git ref of the baseline prepared_queries.py")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)

    data_dir = os.environ.get("VAULT_DATA_DIR", "/tmp/vault_bench_prepared")
    os.environ.update(bench_submit._env(args.database_url, data_dir))
    bench_submit._create_database(args.database_url)
    migrate = [sys.executable, str(ROOT / "manage.py"), "lms", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=dict(os.environ), check=True)
    assessments, people, _tokens = bench_submit._setup(2)
    attempts = bench_submit._prepare_attempts(assessments, people[:1])
    user_id = people[0].pk
    attempt_id, response_ids = attempts[user_id][0]

    from django.db import DEFAULT_DB_ALIAS, connections

    from ve_edu_vault import prepared_queries

    db = connections[DEFAULT_DB_ALIAS]
    replay = _Replay(db.cursor)
    db.cursor = replay  # type: ignore[method-assign]
    versions = {"baseline": _baseline(args.baseline), "current": prepared_queries}
    operations = {name: _operations(module, attempt_id, response_ids, user_id) for name, module in versions.items()}

    # Same parameters (types included) and the same rows from both versions, first; ``created`` (now, when the
    # row is written) at one instant for both.
    from django.utils import timezone

    real_now = timezone.now
    timezone.now = lambda: datetime(2026, 12, 4, 21, 0, 2, tzinfo=UTC)  # type: ignore[assignment]
    for name in operations["current"]:
        sent: dict[str, Any] = {}
        for version, ops in operations.items():
            replay.sent.clear()
            result = ops[name]()
            sent[version] = (result, [params for _sql, params in replay.sent])
        if not _same(sent["baseline"][0], sent["current"][0]):
            raise SystemExit(f"{name}: the versions return different results")
        if not _same(sent["baseline"][1], sent["current"][1]):
            raise SystemExit(f"{name}: the versions send different parameters")
    timezone.now = real_now  # type: ignore[assignment]
    print(f"database: {db.vendor}; {args.rounds} rounds x {args.calls} calls, alternating; best microseconds per call")
    print(f"{'operation':<28} {'baseline':>9} {'current':>9} {'ratio':>6}")
    for name in operations["current"]:
        best = {version: float("inf") for version in versions}
        for _round in range(args.rounds):
            for version in versions:
                best[version] = min(best[version], _per_call(operations[version][name], args.calls))
        print(f"{name:<28} {best['baseline']:>9.1f} {best['current']:>9.1f} {best['current'] / best['baseline']:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
