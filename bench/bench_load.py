"""
Open-loop load benchmark: the highest learner arrival rate the LMS host serves with p95 submit latency under a
target (250 ms), next to the same run's highest rate for the access endpoint, with zero errors and a checker
proving nothing lost or graded twice.

TLDR: ``.venv/bin/python bench/bench_load.py [--rates 2,4,6,...] [--access-rates 25,50,...] [--duration 10]
[--workers 4] [--no-fail]``. It creates and migrates a MariaDB database (``--database-url``, default
``mysql://root@127.0.0.1:3306/vault_bench_load``; a ``postgres://`` URL runs it on PostgreSQL), starts a private
Redis (broker and cache), the LMS host under gunicorn (``--workers`` sync workers) and a real Celery worker with
its beat, makes a course with a graded assessment of three questions bound to a vault block, and bulk-creates the
learners. Then, one step per rate,
Locust's client (``tests/load/driver.py``) sends learners open-loop at that arrival rate for ``--duration``
seconds; each learner starts an attempt, autosaves twice and submits. After each step the bench waits for the
worker to deliver the step's grade reports. The baseline, in the same run on the same processes: the access
endpoint (``courses/<key>/access/``: JWT, permission check, no work) open-loop at ``--access-rates`` requests/s.

It prints, per step, the offered rate, throughput, p50/p95/p99 per request kind and errors; then the highest
session rate whose p95 submit stays under the target with zero errors (also as submits/s and requests/s) next to
the highest access rate under the same target; and the checker's verdict over every session of the run (each
submitted answer stored as last saved and graded once, each grade report delivered once). Exit 1 if the checker
finds a problem or a step errs (``--no-fail``: always 0). Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import create_database  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_load"


def _setup_django(database_url: str) -> None:
    create_database(database_url, bench="bench_load", fresh=False)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.faults.worker_settings"
    os.environ["VAULT_FAULT_BASE_SETTINGS"] = "hosts.lms.test_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _line(step: dict[str, Any]) -> str:
    parts = [f"{step['kind']:8} {step['rate']:6.1f}/s  thr {step['throughput_rps']:7.1f} req/s  err {step['errors']}"]
    for name, entry in step["requests"].items():
        parts.append(f"{name} p50/p95/p99 {entry['p50_ms']}/{entry['p95_ms']}/{entry['p99_ms']} ms")
    if step["late_arrivals"]:
        parts.append(f"late arrivals {step['late_arrivals']}")
    return "  ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--rates", default="2,4,6,8,10,12,14,16", help="learner sessions per second, one step each")
    parser.add_argument("--access-rates", default="25,50,75,100,150,200,250", help="access requests per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of arrivals per step")
    parser.add_argument("--autosaves", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--target-p95-ms", type=float, default=250.0)
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    access_rates = [float(rate) for rate in args.access_rates.split(",")]

    _setup_django(args.database_url)
    from tests.load import harness

    stamp = str(int(time.time()))
    course = harness.make_course(stamp)
    needed = int(sum(rate * args.duration for rate in rates)) + 1
    learners = harness.make_learners(course, max(needed, 50), f"load_{stamp}_")
    print(f"bench_load: {len(learners)} learners, course {course.course_key}, {args.workers} gunicorn workers")

    steps: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-load-") as tmp,
        harness.services(args.database_url, Path(tmp), gunicorn_workers=args.workers, beat_seconds=5) as running,
    ):
        offset = 0
        plan: dict[str, Any] = {
            "base": running.base,
            "course": course.course_key,
            "assessment": course.assessment_id,
            "autosaves": args.autosaves,
        }
        # Warm-up (uncounted, its own learners, left out of the checker's count): every gunicorn worker imports,
        # connects and compiles its prepared queries before the first measured step.
        warm = harness.make_learners(course, 24, f"warm_{stamp}_")
        harness.run_driver(
            {**plan, "steps": [{"kind": "sessions", "rate": 4, "duration": 6, "learners": warm}]},
            Path(tmp),
            timeout=180,
        )
        harness.wait_for_reports(timeout=120)
        for rate in rates:
            count = int(rate * args.duration)
            step_plan = {
                **plan,
                "steps": [
                    {
                        "kind": "sessions",
                        "rate": rate,
                        "duration": args.duration,
                        "learners": learners[offset : offset + count],
                    }
                ],
            }
            offset += count
            (step,) = harness.run_driver(step_plan, Path(tmp), timeout=args.duration + 180)["steps"]
            sessions += step.pop("sessions")
            steps.append(step)
            print(_line(step), flush=True)
            harness.wait_for_reports(timeout=120)
            if step["errors"] or (step["requests"]["submit"]["p95_ms"] or 0) > 3 * args.target_p95_ms:
                break  # far past the target: higher rates only queue more
        tokens = [learner["token"] for learner in learners]
        for rate in access_rates:
            count = int(rate * args.duration)
            step_plan = {
                **plan,
                "steps": [
                    {
                        "kind": "access",
                        "rate": rate,
                        "duration": args.duration,
                        "tokens": (tokens * (count // len(tokens) + 1))[:count],
                    }
                ],
            }
            (step,) = harness.run_driver(step_plan, Path(tmp), timeout=args.duration + 180)["steps"]
            step.pop("sessions")
            steps.append(step)
            print(_line(step), flush=True)
            if step["errors"] or (step["requests"]["access"]["p95_ms"] or 0) > 3 * args.target_p95_ms:
                break
        left = harness.wait_for_reports(timeout=120)

    def best(kind: str, name: str) -> dict[str, Any] | None:
        ok = [
            step
            for step in steps
            if step["kind"] == kind
            and not step["errors"]
            and (step["requests"][name]["p95_ms"] or 1e9) < args.target_p95_ms
        ]
        return max(ok, key=lambda step: step["rate"]) if ok else None

    report = harness.check(course, sessions)
    session_best, access_best = best("sessions", "submit"), best("access", "access")
    per_session = 2 + args.autosaves
    print()
    if session_best:
        submit = session_best["requests"]["submit"]
        print(
            f"highest learner arrival rate with p95 submit < {args.target_p95_ms:.0f} ms and zero errors: "
            f"{session_best['rate']:.1f} learners/s = {session_best['rate']:.1f} submits/s "
            f"({session_best['rate'] * per_session:.1f} requests/s offered, "
            f"{session_best['throughput_rps']:.1f} served); "
            f"submit p50/p95/p99 {submit['p50_ms']}/{submit['p95_ms']}/{submit['p99_ms']} ms"
        )
    else:
        print(f"no learner arrival rate kept p95 submit under {args.target_p95_ms:.0f} ms with zero errors")
    if access_best:
        access = access_best["requests"]["access"]
        print(
            f"baseline, same run: highest access-endpoint rate with p95 < {args.target_p95_ms:.0f} ms and zero errors: "
            f"{access_best['rate']:.0f} requests/s; "
            f"p50/p95/p99 {access['p50_ms']}/{access['p95_ms']}/{access['p99_ms']} ms"
        )
    print(
        f"checker: {report.sessions} sessions, {report.submitted} submitted, {len(report.problems)} problems "
        f"(lost, double-graded, answers not as saved, reports not delivered once); grade reports still queued: {left}"
    )
    for problem in report.problems[:20]:
        print("  ", problem)
    failed = not report.ok or session_best is None
    print(
        "FAIL" if failed else "PASS",
        "(target: a learner rate with p95 submit under the target, zero errors, checker clean)",
    )
    return 0 if args.no_fail or not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
