"""
The load generator: Locust's HTTP client and statistics, driven open-loop at fixed arrival rates.

TLDR: ``python tests/load/driver.py PLAN.json RESULTS.json``. For each step of the plan, a new learner session
(or, for an ``access`` step, one request to the access endpoint) *arrives* every ``1 / rate`` seconds for
``duration`` seconds, whether or not earlier ones have finished (open loop: a slow server meets the same arrivals,
so its queueing shows in the latencies instead of lowering the offered load, as a closed loop of users would). A
session is what a learner does: start an attempt, autosave its answers ``autosaves`` times (each time changing
them), submit. Requests are Locust ``FastHttpSession`` requests, recorded in Locust's statistics per name (start,
autosave, submit, access): counts, failures, p50/p95/p99. Each session's outcome (attempt id, the answers last
saved, whether the submit succeeded) goes to the results for the checker.

Runs in its own process (Locust monkey-patches the standard library with gevent); loopback only; every wait is
bounded.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any
from urllib.parse import urlparse

import gevent
from gevent.pool import Group
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment

API = "/api/ve-edu-vault/v1/"
NAMES = ("start", "autosave", "submit", "access")


def _answers(questions: list[dict[str, Any]], round_: int) -> dict[str, Any]:
    """Answers to every question, different each round (choice ids of a multiple-choice question, in turn)."""
    answers: dict[str, Any] = {}
    for question in questions:
        choices = [choice["id"] for choice in question["question"]["parts"][0]["config"]["choices"]]
        answers[str(question["response_id"])] = {"p0": choices[round_ % len(choices)]}
    return answers


def _session(client: FastHttpSession, plan: dict[str, Any], learner: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"JWT {learner['token']}"}
    outcome: dict[str, Any] = {"user_id": learner["user_id"], "attempt_id": None, "answers": None, "submitted": False}
    url = f"{API}courses/{plan['course']}/assessments/{plan['assessment']}/attempts/"
    with client.post(url, headers=headers, name="start", catch_response=True) as reply:
        if reply.status_code not in (200, 201):
            reply.failure(f"start {reply.status_code}")
            return outcome
        view = reply.json()
    outcome["attempt_id"] = view["id"]
    for round_ in range(plan["autosaves"]):
        answers = _answers(view["questions"], round_)
        with client.put(
            f"{API}attempts/{view['id']}/answers/",
            data=json.dumps({"answers": answers}),
            headers={**headers, "Content-Type": "application/json"},
            name="autosave",
            catch_response=True,
        ) as reply:
            if reply.status_code != 200:
                reply.failure(f"autosave {reply.status_code}")
                return outcome
        outcome["answers"] = answers
    with client.post(f"{API}attempts/{view['id']}/submit/", headers=headers, name="submit", catch_response=True) as r:
        if r.status_code != 200:
            r.failure(f"submit {r.status_code}")
            return outcome
    outcome["submitted"] = True
    return outcome


def _access(client: FastHttpSession, plan: dict[str, Any], token: str) -> None:
    url = f"{API}courses/{plan['course']}/access/"
    with client.get(url, headers={"Authorization": f"JWT {token}"}, name="access", catch_response=True) as reply:
        if reply.status_code != 200:
            reply.failure(f"access {reply.status_code}")


def _percentiles(entry: Any) -> dict[str, Any]:
    return {
        "count": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.50) if entry.num_requests else None,
        "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
        "p99_ms": entry.get_response_time_percentile(0.99) if entry.num_requests else None,
        "max_ms": round(entry.max_response_time, 1) if entry.num_requests else None,
    }


def run_step(env: Environment, plan: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    env.stats.reset_all()
    client = FastHttpSession(
        plan["base"], env.events.request, None, connection_timeout=30.0, network_timeout=60.0, concurrency=1000
    )
    group, outcomes, late = Group(), [], 0
    arrivals = int(step["rate"] * step["duration"])
    items = step["learners"] if step["kind"] == "sessions" else step["tokens"]
    if len(items) < arrivals:
        raise SystemExit(f"step at {step['rate']}/s needs {arrivals} learners, the plan has {len(items)}")
    started = time.monotonic()
    for index in range(arrivals):
        due = started + index / step["rate"]
        wait = due - time.monotonic()
        if wait > 0:
            gevent.sleep(wait)
        elif wait < -0.05:
            late += 1  # the generator itself fell behind the schedule
        if step["kind"] == "sessions":
            group.add(gevent.spawn(lambda learner=items[index]: outcomes.append(_session(client, plan, learner))))
        else:
            group.add(gevent.spawn(_access, client, plan, items[index]))
    offered = time.monotonic() - started
    group.join(timeout=step.get("drain_timeout", 120))
    unfinished = len([greenlet for greenlet in group if not greenlet.ready()])
    group.kill(block=False)
    wall = time.monotonic() - started
    stats = {name: _percentiles(env.stats.get(name, method)) for name, method in _methods(step["kind"])}
    errors = sum(entry["failures"] for entry in stats.values()) + unfinished
    completed = sum(entry["count"] - entry["failures"] for entry in stats.values())
    return {
        "kind": step["kind"],
        "rate": step["rate"],
        "duration": step["duration"],
        "arrivals": arrivals,
        "late_arrivals": late,
        "offered_seconds": round(offered, 3),
        "wall_seconds": round(wall, 3),
        "throughput_rps": round(completed / wall, 2) if wall else 0.0,
        "unfinished": unfinished,
        "errors": errors,
        "error_samples": [str(error.error)[:200] for error in list(env.stats.errors.values())[:5]],
        "requests": stats,
        "sessions": outcomes,
    }


def _methods(kind: str) -> list[tuple[str, str]]:
    if kind == "access":
        return [("access", "GET")]
    return [("start", "POST"), ("autosave", "PUT"), ("submit", "POST")]


def main(plan_path: str, results_path: str) -> None:
    with open(plan_path) as handle:
        plan = json.load(handle)
    if urlparse(plan["base"]).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load driver runs on loopback only")
    env = Environment()
    env.create_local_runner()  # the runner records every request event in env.stats (no Locust users are run)
    results = [run_step(env, plan, step) for step in plan["steps"]]
    with open(results_path, "w") as handle:
        json.dump({"steps": results}, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
