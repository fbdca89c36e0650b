"""
Benchmark of attempt submission over HTTP against a same-run baseline (a trivial authenticated endpoint).

TLDR: run ``.venv/bin/python bench/bench_submit.py [--rounds N] [--learners N] [--no-fail]``. It
starts the LMS host under gunicorn on MariaDB (``DATABASE_URL``, default
``mysql://root@127.0.0.1:3306/vault_bench``; the database is created and migrated first), creates
a course with three questions, an assessment and ``--learners`` enrolled learners, and then:

- baseline: every learner's client (one coroutine each, all at once) calls the vault's
  ``courses/<key>/access/`` endpoint ``--per-client`` times in a row (JWT auth, permission check, no work);
- submit:   every learner gets one attempt with saved answers on each of ``--per-client`` assessments (set up
  outside the timing), then all clients POST ``attempts/<id>/submit/`` for theirs, one after the other
  (grading, scoring, mastery and the grade hand-off included).
- autosave (with ``--autosave``): before the submit phase, all clients PUT ``attempts/<id>/answers/`` for the
  same attempts, changing every saved answer (answer validation and one write per response included).

Each client sends several requests per phase so that a phase lasts long enough (about a second) for its
start and its tail, when fewer requests than workers are left, to weigh little.

The two phases alternate for ``--rounds`` rounds (after one uncounted warm-up round), so both see
the same machine load.

It prints throughput (requests/s over the wall time of the concurrent phase), latency percentiles,
and the CPU the server's processes spent per request (gunicorn's master and workers, read with psutil:
on a machine shared with other work it moves far less than throughput; the database's CPU is not in
it), and next to it the CPU the database server and Redis spent per request (their processes, found by name: with
other clients of the same servers, their work is counted too, so it means something on a quiet machine only).
Target (PASS/FAIL, non-zero exit on FAIL unless ``--no-fail``): submit
throughput at least half of the baseline's. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import create_database  # noqa: E402

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench"
COURSE = "course-v1:VE+BenchSubmit+2026"
API = "/api/ve-edu-vault/v1/"


@dataclass(frozen=True, kw_only=True, slots=True)
class Phase:
    name: str
    count: int
    errors: int
    wall: float
    latencies: tuple[float, ...]
    cpu: float = 0.0  # seconds of CPU the server's processes (gunicorn master and workers) spent in the phase
    database_cpu: float = 0.0  # seconds of CPU the database server spent in the phase (all its clients')
    redis_cpu: float = 0.0  # seconds of CPU Redis (cache and broker) spent in the phase (all its clients')

    @property
    def throughput(self) -> float:
        return self.count / self.wall if self.wall else 0.0

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / self.count if self.count else 0.0

    def per_request(self, seconds: float) -> float:
        return seconds / self.count if self.count else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    def line(self) -> str:
        return (
            f"{self.name:<9} {self.count:>6} req  {self.errors:>3} err  {self.throughput:>8.1f} req/s  "
            f"p50 {self.pct(0.50):>7.1f} ms  p95 {self.pct(0.95):>7.1f} ms  "
            f"mean {statistics.fmean(self.latencies) * 1000 if self.latencies else 0:>7.1f} ms  "
            f"server CPU {self.cpu_per_request * 1000:>5.2f} ms/req  "
            f"database {self.per_request(self.database_cpu) * 1000:>5.2f}  "
            f"Redis {self.per_request(self.redis_cpu) * 1000:>4.2f}"
        )


def _env(database_url: str, data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "VAULT_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "hosts.lms.settings",
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": str(ROOT),
            # As an LMS runs: Redis for the cache (throttling) and the Celery broker (grade reports). Two runs at
            # once (two checkouts) need their own databases: BENCH_CACHE_REDIS_URL and BENCH_BROKER_URL.
            "CACHE_REDIS_URL": os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12"),
            "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
        }
    )
    return env


def _create_database(database_url: str) -> None:
    """The benchmark's MariaDB database, created unless it exists (bench_lti and bench_webhooks use it too)."""
    create_database(database_url, bench="bench_submit", fresh=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_gunicorn(env: dict[str, str], port: int, workers: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "hosts.lms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "256",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            if requests.get(f"{base}{API}health/", timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready")


def _sync_mirror(course_key: Any) -> tuple[Any, list[Any]]:
    """Publish and sync a small outline: a graded subsection with two objectives. Returns (subsection, objectives)."""
    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.course_sync.data import CourseOutline, NodeAttributes, NodeKind, OutlineNode

    chapter = course_key.make_usage_key("chapter", "bench")
    quiz = course_key.make_usage_key("sequential", "bench_quiz")
    objectives = [course_key.make_usage_key("vertical", f"bench_objective_{index}") for index in range(2)]
    nodes = [
        OutlineNode(usage_key=chapter, kind=NodeKind.TOPIC, display_name="Bench", parent_key=None, position=0),
        OutlineNode(
            usage_key=quiz,
            kind=NodeKind.SUBTOPIC,
            display_name="Bench quiz",
            parent_key=chapter,
            position=0,
            attributes=NodeAttributes(graded=True, format="Exam"),
        ),
    ] + [
        OutlineNode(usage_key=key, kind=NodeKind.OBJECTIVE, display_name=f"O{i}", parent_key=quiz, position=i)
        for i, key in enumerate(objectives)
    ]
    standalone.publish_outline(
        CourseOutline(course_key=course_key, version="bench-v1", nodes=tuple(nodes)), send_signal=False
    )
    course_sync.sync_course(course_key, source="modulestore", trigger="bench")
    return quiz, objectives


def _setup(learners: int, *, mirror: bool = True, assessments: int = 1) -> tuple[list[Any], list[Any], dict[int, str]]:
    """
    The course, its assessment and enrolled learners (each with a JWT), created through the public APIs.

    With ``mirror`` (the default) the assessment is on a graded subsection of a synced outline and its
    questions on two objectives, as in a course: a submission also updates mastery and queues the grade
    report. Without it, the assessment and questions are attached to no node (the minimal pipeline).
    """
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from hosts.standalone_platform.backend import enroll, grant_course_role
    from ve_edu_vault.assessments import api
    from ve_edu_vault.questions import api as questions

    course_key = CourseKey.from_string(COURSE)
    quiz, objectives = _sync_mirror(course_key) if mirror else (None, [None, None])
    users = get_user_model().objects
    stamp = str(int(time.time()))
    author = users.create_user(username=f"bench_author_{stamp}", email=f"a{stamp}@example.com", password="x")
    grant_course_role(author, course_key)
    choices = [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]
    contents = [
        {
            "title": f"Q{i}",
            "parts": [
                {"id": "p0", "type": "multiple_choice", "config": {"choices": choices}, "answer_key": {"correct": "a"}}
            ],
        }
        for i in range(3)
    ]
    ids = [
        questions.create_question(course_key, content=c, author=author, node_usage_key=objectives[i % 2]).id
        for i, c in enumerate(contents)
    ]
    created = [
        api.create_assessment(
            course_key,
            node_usage_key=quiz,
            title=f"Bench {stamp} {index}",
            config={"selection": {"mode": "fixed", "question_ids": ids}, "feedback": "after_submission"},
            author=author,
        )
        for index in range(assessments)
    ]
    people = []
    for index in range(learners):
        user = users.create_user(username=f"bench_{stamp}_{index}", email=f"b{stamp}{index}@example.com", password="x")
        enroll(user, course_key)
        people.append(user)
    return created, people, _tokens(people)


def _tokens(people: list[Any]) -> dict[int, str]:
    """
    A fresh JWT per learner, signed with the host's private key (RS512) as the LMS signs the JWT cookies of the
    MFEs. They live 10 minutes: a long run on a busy machine renews them each round.
    """
    from edx_rest_framework_extensions.auth.jwt.tests.utils import (
        generate_asymmetric_jwt_token,
        generate_latest_version_payload,
    )

    return {user.pk: generate_asymmetric_jwt_token(generate_latest_version_payload(user)) for user in people}


def _prepare_attempts(assessments: list[Any], people: list[Any]) -> dict[int, list[tuple[int, list[int]]]]:
    """
    One attempt with saved answers per learner on each assessment (not timed):
    ``{user id: [(attempt id, its response ids)]}``.
    """
    from ve_edu_vault.assessments import api

    attempts: dict[int, list[tuple[int, list[int]]]] = {}
    for user in people:
        for assessment in assessments:
            view = api.start_attempt(assessment.id, user)
            api.save_answers(view.id, user=user, answers={str(q.response_id): {"p0": "a"} for q in view.questions})
            attempts.setdefault(user.pk, []).append((view.id, [q.response_id for q in view.questions]))
    return attempts


def _answers_body(response_ids: list[int]) -> bytes:
    """An autosave body changing every saved answer of ``_prepare_attempts`` (``"a"`` becomes ``"b"``)."""
    return json.dumps({"answers": {str(response_id): {"p0": "b"} for response_id in response_ids}}).encode()


async def _request(method: str, url: str, token: str, body: bytes = b"", timeout: float = 60.0) -> int:
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close it anyway); the status code."""
    parts = urlparse(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        content_type = "Content-Type: application/json\r\n" if body else ""
        writer.write(
            (
                f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: JWT {token}\r\n"
                f"Accept: application/json\r\n{content_type}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), timeout)  # until the server closes: the whole response
    finally:
        writer.close()
    status_line = response.split(b"\r\n", 1)[0].split()
    return int(status_line[1]) if len(status_line) > 1 else 0


def _concurrent(name: str, jobs: list[tuple[str, list[tuple[str, bytes]], str]]) -> Phase:
    """
    Run one client per (method, [(url, body)], token) job, each sending its requests in turn, clients released
    together.

    The clients are coroutines on one asyncio loop speaking plain HTTP/1.1 (a few tens of microseconds
    of CPU per request): the load generator shares the machine's cores with the server, and a heavy
    client (a thread per learner with ``requests``) would take CPU from the server in proportion to
    each phase's length, penalising the slower endpoint for the client's cost.
    """

    async def run() -> tuple[list[float], int, float]:
        latencies: list[float] = []
        errors = 0
        start = asyncio.Event()

        async def client(method: str, requests: list[tuple[str, bytes]], token: str) -> None:
            nonlocal errors
            await start.wait()
            for url, body in requests:
                began = time.perf_counter()
                try:
                    ok = await _request(method, url, token, body) == 200
                except (TimeoutError, OSError):
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += 0 if ok else 1

        tasks = [asyncio.create_task(client(*job)) for job in jobs]
        await asyncio.sleep(0)  # every client is waiting on the start
        began = time.perf_counter()
        start.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 300)
        return latencies, errors, time.perf_counter() - began

    latencies, errors, wall = asyncio.run(run())
    return Phase(name=name, count=len(latencies), errors=errors, wall=wall, latencies=tuple(latencies))


def _merge(name: str, phases: list[Phase]) -> Phase:
    return Phase(
        name=name,
        count=sum(p.count for p in phases),
        errors=sum(p.errors for p in phases),
        wall=sum(p.wall for p in phases),
        latencies=tuple(x for p in phases for x in p.latencies),
        cpu=sum(p.cpu for p in phases),
        database_cpu=sum(p.database_cpu for p in phases),
        redis_cpu=sum(p.redis_cpu for p in phases),
    )


def _server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master ``pid`` and its workers."""
    import psutil

    total = 0.0
    master = psutil.Process(pid)
    for process in (master, *master.children(recursive=True)):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


# The services a request waits on, on this machine (loopback), by process name.
DATABASE_PROCESSES = frozenset({"mariadbd", "mysqld", "postgres"})
REDIS_PROCESSES = frozenset({"redis-server"})


def _services() -> list[Any]:
    """The database servers' and Redis's processes (PostgreSQL: every backend), found by name."""
    import psutil

    names = DATABASE_PROCESSES | REDIS_PROCESSES
    return [process for process in psutil.process_iter(["name"]) if process.info["name"] in names]


def _services_cpu(processes: list[Any]) -> tuple[float, float]:
    """
    CPU seconds ``(database, Redis)`` used so far by ``processes`` (``_services()``) and by backends started since
    (PostgreSQL starts one per connection; one that ended within the phase is not counted). On a machine shared with
    other clients of the same servers their work is in it too: compare the two phases of one run on a quiet machine.
    """
    import psutil

    database, redis, seen = 0.0, 0.0, set()
    for process in [*processes, *_services()]:
        if process.pid in seen:
            continue
        seen.add(process.pid)
        try:
            name, times = process.name(), process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        if name in REDIS_PROCESSES:
            redis += times.user + times.system
        else:
            database += times.user + times.system
    return database, redis


def _measured(pid: int, name: str, jobs: list[tuple[str, list[tuple[str, bytes]], str]]) -> Phase:
    """``_concurrent`` plus the CPU the server spent on the phase (unlike throughput, it hardly moves with the
    load other programs put on the machine), and the CPU of the database server and Redis (all their clients')."""
    services = _services()
    before, (database, redis) = _server_cpu(pid), _services_cpu(services)
    phase = _concurrent(name, jobs)
    database_after, redis_after = _services_cpu(services)
    return replace(
        phase, cpu=_server_cpu(pid) - before, database_cpu=database_after - database, redis_cpu=redis_after - redis
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20, help="submit rounds (one attempt per learner each)")
    parser.add_argument(
        "--per-client", type=int, default=4, help="requests per client and phase (submit: one attempt per assessment)"
    )
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--no-fail", action="store_true")
    parser.add_argument(
        "--autosave",
        action="store_true",
        help="also time an autosave phase (PUT answers/ changing every answer) before each submit phase",
    )
    parser.add_argument(
        "--no-mirror",
        action="store_true",
        help="attach the assessment and questions to no course node (no mastery update, no grade report)",
    )
    parser.add_argument(
        "--webhooks",
        choices=["subscribed", "unsubscribed", "off"],
        default="subscribed",
        help="subscribed (default): webhooks on and a global subscription active (each submission writes its events "
        "to the outbox; no worker drains it during the run); unsubscribed: webhooks on, no active subscription (the "
        "outbox skips the events after a read of its gate); off: VE_EDU_VAULT_WEBHOOKS_ENABLED false (no outbox)",
    )
    args = parser.parse_args(argv)
    learners = max(1, min(args.learners, 500))
    rounds = max(1, min(args.rounds, 20))
    per_client = max(1, min(args.per_client, 20))

    data_dir = os.environ.get("VAULT_DATA_DIR", "/tmp/vault_bench_submit")
    env = _env(args.database_url, data_dir)
    env["VE_EDU_VAULT_WEBHOOKS_ENABLED"] = "0" if args.webhooks == "off" else "1"
    env["VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "VAULT_DATA_DIR",
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_DEBUG",
                "VE_EDU_VAULT_WEBHOOKS_ENABLED",
                "VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS",
            )
        }
    )
    _create_database(args.database_url)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "lms", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    assessments, people, tokens = _setup(learners, mirror=not args.no_mirror, assessments=per_client)
    from ve_edu_vault.webhooks import api as webhooks

    subscriptions = list(webhooks.list_subscriptions()[:100])
    if args.webhooks == "subscribed":
        if not any(item.active for item in subscriptions):
            webhooks.create_subscription(url="http://127.0.0.1:9/bench-receiver")  # never drained during the run
    else:
        for item in subscriptions:
            if item.active:
                webhooks.update_subscription(item.id, active=False)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(data_dir) / "gunicorn-bench.log"
    proc = _start_gunicorn(env, port, args.workers, log_path)
    try:
        _wait_ready(base, proc)
        access_url = f"{base}{API}courses/{COURSE}/access/"
        access_phases, submit_phases, autosave_phases = [], [], []
        # Interleaved rounds under the same conditions: all clients call access once, then all submit once.
        for index in range(rounds + 1):  # round 0 warms every worker up and is not counted
            tokens = _tokens(people)
            access_jobs = [("GET", [(access_url, b"")] * per_client, tokens[u.pk]) for u in people]
            access = _measured(proc.pid, "access", access_jobs)
            attempts = _prepare_attempts(assessments, people)
            if args.autosave:
                save_jobs = [
                    (
                        "PUT",
                        [
                            (f"{base}{API}attempts/{attempt}/answers/", _answers_body(ids))
                            for attempt, ids in attempts[u.pk]
                        ],
                        tokens[u.pk],
                    )
                    for u in people
                ]
                autosave = _measured(proc.pid, "autosave", save_jobs)
                if index:
                    autosave_phases.append(autosave)
            jobs = [
                (
                    "POST",
                    [(f"{base}{API}attempts/{attempt}/submit/", b"") for attempt, _ in attempts[u.pk]],
                    tokens[u.pk],
                )
                for u in people
            ]
            submit = _measured(proc.pid, "submit", jobs)
            if index:
                access_phases.append(access)
                submit_phases.append(submit)
        baseline = _merge("access", access_phases)
        submit = _merge("submit", submit_phases)
        autosave_all = _merge("autosave", autosave_phases) if autosave_phases else None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    pipeline = "grading only" if args.no_mirror else "grading + mastery (2 objectives) + grade report queued"
    print(
        f"LMS host under gunicorn ({args.workers} sync workers), {learners} concurrent clients, JWT auth, "
        f"{per_client} requests per client and phase, {rounds} rounds"
    )
    print(f"submit pipeline: {pipeline}; webhooks: {args.webhooks}")
    print(baseline.line())
    print(submit.line())
    if autosave_all is not None:
        print(autosave_all.line())
        saved = autosave_all.throughput / baseline.throughput if baseline.throughput else 0.0
        print(f"autosave throughput = {saved:.2f} x access (figure only, no target; errors: {autosave_all.errors})")
    if submit.cpu_per_request:
        print(
            f"server CPU per request: submit = {baseline.cpu_per_request / submit.cpu_per_request:.2f} x access"
            + (
                f", autosave = {baseline.cpu_per_request / autosave_all.cpu_per_request:.2f} x access"
                if autosave_all is not None and autosave_all.cpu_per_request
                else ""
            )
            + " (access CPU / CPU: the cost of the plugin's code and the host, the database's not counted)"
        )
    if submit.count and baseline.count:
        whole = [phase.cpu + phase.database_cpu + phase.redis_cpu for phase in (baseline, submit)]
        print(
            f"server + database + Redis CPU per request: submit = "
            f"{baseline.per_request(whole[0]) / submit.per_request(whole[1]):.2f} x access (figure only: the "
            "database's and Redis's CPU include their other clients' on a shared machine)"
        )
    ratio = submit.throughput / baseline.throughput if baseline.throughput else 0.0
    ok = ratio >= 0.5 and submit.errors == 0 and baseline.errors == 0
    print(f"submit throughput = {ratio:.2f} x access (target >= 0.50, no errors): {'PASS' if ok else 'FAIL'}")
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
