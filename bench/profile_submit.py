"""
Profile of one submission next to one ``access`` request, in process (not a benchmark: no target, no PASS/FAIL).

TLDR: run ``.venv/bin/python bench/profile_submit.py [--learners N] [--top N] [--sort cumulative|tottime]
[--webhooks off|on|subscribed]``.
It uses ``bench_submit``'s database, settings and set-up (the LMS host's production settings on MariaDB,
``DATABASE_URL`` or ``BENCH_DATABASE_URL``, default ``mysql://root@127.0.0.1:3306/vault_bench``; Redis for the
cache and the Celery broker as ``bench_submit`` reads them: ``BENCH_CACHE_REDIS_URL``, ``BENCH_BROKER_URL``), then
sends every learner's ``access`` requests and submissions through Django's test ``Client`` with the learner's JWT
(the whole middleware stack and authentication, no HTTP server) and prints:

- the wall time and this process's CPU time per request of each phase, and the Celery messages it published
  (counted at ``kombu``'s ``Producer.publish``), without and with the profiler (the profiler's own cost inflates
  the second: compare the two phases within one run, as ``bench_submit`` does);
- the SQL statements (``CaptureQueriesContext``, in order, each with the time Django measured, rounded to the
  millisecond) of one learner's first submission (mastery's first observations) and of the same learner's last one
  (with two or more ``--per-client`` assessments: the steady path, but for each assessment's first LTI link check and
  a ``mastery.reached`` event when it fires);
- cProfile's top functions of the submissions and of the access requests, timed by this process's CPU time
  (``--timer cpu``, the default: the database's work is not in it) or by wall time (``--timer wall``: waits on
  the database and Redis in it), and the callees of the functions ``--callees`` names.

Nothing here changes the code it measures. The numbers are one process's on a shared machine: the statement
list and the profile's proportions are the steady part, not the absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_submit  # noqa: E402


def _count_publishes() -> list[str]:
    """Record the routing key/task of every message kombu publishes from now on (Celery's apply_async)."""
    from kombu import Producer

    published: list[str] = []
    original = Producer.publish

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        headers = kwargs.get("headers") or {}
        published.append(str(headers.get("task") or kwargs.get("routing_key") or "?"))
        return original(self, body, *args, **kwargs)

    Producer.publish = publish  # type: ignore[method-assign]
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--per-client", type=int, default=2, help="assessments (one attempt each per learner)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", bench_submit.DEFAULT_DB))
    parser.add_argument(
        "--webhooks",
        choices=["on", "off", "subscribed"],
        default="off",
        help="off (default): webhooks off; on: on, with the subscriptions the database has; subscribed: on, with a "
        "global subscription active (as bench_submit's default)",
    )
    parser.add_argument(
        "--timer",
        choices=["cpu", "wall"],
        default="cpu",
        help="cpu (default): the process's CPU time (what the database does is not in it); wall: elapsed time",
    )
    parser.add_argument(
        "--callees", action="append", default=[], help="also print the callees of functions matching this (repeatable)"
    )
    args = parser.parse_args(argv)
    learners = max(2, min(args.learners, 200))

    data_dir = os.environ.get("VAULT_DATA_DIR", "/tmp/vault_bench_submit")
    env = bench_submit._env(args.database_url, data_dir)
    env["VE_EDU_VAULT_WEBHOOKS_ENABLED"] = "0" if args.webhooks == "off" else "1"
    env["VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.0/8"  # bench_submit's receiver address
    os.environ.update(env)
    bench_submit._create_database(args.database_url)
    import subprocess

    migrate = [sys.executable, str(ROOT / "manage.py"), "lms", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    assessments, people, tokens = bench_submit._setup(learners, assessments=max(1, args.per_client))
    if args.webhooks == "subscribed":
        from ve_edu_vault.webhooks import api as webhooks

        if not any(item.active for item in webhooks.list_subscriptions()[:100]):
            webhooks.create_subscription(url="http://127.0.0.1:9/bench-receiver")  # never drained here

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    access_url = f"{bench_submit.API}courses/{bench_submit.COURSE}/access/"

    def access(user: Any) -> None:
        response = client.get(access_url, HTTP_AUTHORIZATION=f"JWT {tokens[user.pk]}")
        assert response.status_code == 200, response.content

    def submit(user: Any, attempt_id: int) -> None:
        response = client.post(
            f"{bench_submit.API}attempts/{attempt_id}/submit/", HTTP_AUTHORIZATION=f"JWT {tokens[user.pk]}"
        )
        assert response.status_code == 200, response.content

    # Warm-up: one of each, outside every figure (imports, first connections, caches of the process).
    warm = bench_submit._prepare_attempts(assessments[:1], people[:1])
    access(people[0])
    submit(people[0], warm[people[0].pk][0][0])
    people = people[1:]
    half = len(people) // 2
    plain, profiled = people[:half], people[half:]

    timer = time.process_time if args.timer == "cpu" else time.perf_counter
    published = _count_publishes()
    results: dict[str, float] = {}
    profiles: dict[str, cProfile.Profile] = {}
    queries: dict[str, list[dict[str, Any]]] = {}

    def phase(name: str, label: str, calls: list[Any]) -> None:
        """Run the calls (one request each), timed (wall and this process's CPU), under cProfile if ``profiled``."""
        profiler = cProfile.Profile(timer) if label == "profiled" else None
        before, wall, cpu = len(published), time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for call in calls:
            call()
        if profiler:
            profiler.disable()
            profiles[name] = profiler
        count = len(calls)
        results[f"{name} {label}: wall ms"] = (time.perf_counter() - wall) * 1000 / count
        results[f"{name} {label}: CPU ms"] = (time.process_time() - cpu) * 1000 / count
        results[f"{name} {label}: messages"] = (len(published) - before) / count

    def captured_submit(name: str, user: Any, attempt_id: int) -> None:
        with CaptureQueriesContext(connection) as captured:
            submit(user, attempt_id)
        queries[name] = list(captured.captured_queries)

    for label, group in (("plain", plain), ("profiled", profiled)):
        attempts = bench_submit._prepare_attempts(assessments, group)
        phase("access", label, [lambda user=user: access(user) for user in group for _ in assessments])
        calls = [
            lambda user=user, attempt_id=attempt_id: submit(user, attempt_id)
            for user in group
            for attempt_id, _responses in attempts[user.pk]
        ]
        if label == "plain":  # one learner's first submission (mastery's first observations), and a later one
            first, later = attempts[group[0].pk][0][0], attempts[group[0].pk][-1][0]
            calls[0] = lambda user=group[0], attempt_id=first: captured_submit("first", user, attempt_id)
            if len(assessments) > 1:
                calls[len(assessments) - 1] = lambda user=group[0], attempt_id=later: captured_submit(
                    "later", user, attempt_id
                )
        phase("submit", label, calls)

    print(f"{learners - 1} learners x {len(assessments)} assessments; webhooks {args.webhooks}; load {os.getloadavg()}")
    for name, value in results.items():
        print(f"{name:<32} {value:8.2f}")
    for name, statements in queries.items():
        print(f"\nSQL of one {name} submission ({len(statements)} statements):")
        for query in statements:
            print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:200]}")
    print(f"\nCelery messages published by the submissions: {sorted(set(published))}")
    for name in ("submit", "access"):
        out = io.StringIO()
        stats = pstats.Stats(profiles[name], stream=out).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.top)
        for pattern in args.callees:
            stats.print_callees(pattern)
        print(f"\n===== {name} (profiled) =====\n{out.getvalue()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
