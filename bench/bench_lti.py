"""
Benchmark of the LTI tool: launches per second next to the access endpoint, AGS scores per second next to bare posts.

TLDR: run ``.venv/bin/python bench/bench_lti.py [--launches N] [--clients N] [--scores N]``. It starts the LMS host
under gunicorn on MariaDB (``DATABASE_URL``, default ``mysql://root@127.0.0.1:3306/vault_bench_lti``; created and
migrated first) with the LTI tool on, and lti-consumer-xblock's platform (``tests/lti/platform_server.py``, its
own process) registered with it; then, in one run:

- access:  ``--clients`` concurrent clients GET the vault's ``courses/<key>/access/`` endpoint (JWT auth and a
  permission check, no work), as many requests as launches;
- launch:  the same clients run ``--launches`` launches: the tool's OIDC login initiation (GET, state and nonce
  stored), then, after the platform signed the id_token (its time is not counted), the launch (POST: every
  check, the JWKS from the cache, the user and role, the learner page rendered). Launches/s = launches over
  the wall time of the two tool phases;
- AGS:     ``--scores`` scores queued in the AGS outbox, then a real Celery worker's ``deliver_lti_scores``
  sends them (pylti1p3, cached token) until none is due; baseline: the same number of score POSTs from one
  ``requests`` session with one token, no database (the fastest simple way to send them).

Loopback only; every wait is bounded. No target: the figures are for the README's table. Redis: the cache and the
broker use ``BENCH_CACHE_REDIS_URL`` and ``BENCH_BROKER_URL`` (defaults 12 and 13, as bench_submit).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "lti"))

from bench_submit import COURSE, _create_database, _env, _free_port, _setup, _start_gunicorn, _wait_ready  # noqa: E402
from lti_harness import browser_session  # noqa: E402

API = "/api/ve-edu-vault/v1/"
DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_lti"


def _timed(jobs: list[Any], clients: int) -> tuple[float, list[Any]]:
    """Run the callables on ``clients`` threads; (wall seconds, results)."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return time.perf_counter() - start, results


def _launch_phases(base: str, platform: Any, launches: int, clients: int) -> tuple[float, int]:
    """(tool seconds for ``launches`` launches: login phase + launch phase walls, launches that rendered the page)."""
    urls = [platform.control("login", user_id=f"bench-{i % 50}", role="student")["url"] for i in range(launches)]
    sessions = [browser_session() for _ in range(launches)]

    def login(i: int) -> Any:
        return lambda: sessions[i].get(urls[i], allow_redirects=False, timeout=60)

    login_wall, redirects = _timed([login(i) for i in range(launches)], clients)
    forms = [
        requests.get(r.headers["Location"], headers={"Accept": "application/json"}, timeout=60).json()
        for r in redirects
    ]

    def post(i: int) -> Any:
        form = forms[i]
        return lambda: sessions[i].post(
            form["action"], data={"state": form["state"], "id_token": form["id_token"]}, timeout=60
        )

    launch_wall, pages = _timed([post(i) for i in range(launches)], clients)
    ok = sum(1 for page in pages if page.status_code == 200 and b"vault-take-config" in page.content)
    return login_wall + launch_wall, ok


def _access_phase(base: str, token: str, count: int, clients: int) -> tuple[float, int]:
    url = f"{base}{API}courses/{COURSE}/access/"

    def get() -> Any:
        return requests.get(url, headers={"Authorization": f"JWT {token}"}, timeout=60)

    wall, responses = _timed([get for _ in range(count)], clients)
    return wall, sum(1 for r in responses if r.status_code == 200)


def _queue_scores(assessment_id: int, count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ve_edu_vault.lti import store
    from ve_edu_vault.lti.models import LtiUserLink

    users = get_user_model().objects
    stamp = str(int(time.time()))
    now = timezone.now()
    for index in range(count):
        user = users.create_user(username=f"ags_{stamp}_{index}", password=None)
        LtiUserLink.objects.create(issuer="https://platform.example", sub=f"ags-{stamp}-{index}", user=user)
        store.queue_scores(
            assessment_id=assessment_id,
            user_id=user.pk,
            earned=3.0,
            possible=3.0,
            activity_progress="Completed",
            now=now,
        )


def _due() -> int:
    from ve_edu_vault.lti.models import LtiScore

    return LtiScore.objects.filter(due_at__isnull=False).count()


def _bare_posts(platform: Any, lineitem: str, count: int) -> float:
    """The same number of score POSTs from one session and one token (tokens from the platform's own consumer)."""
    from ve_edu_vault.lti import store
    from ve_edu_vault.lti.ags import CachedTokenConnector
    from ve_edu_vault.lti.launch import registration_of

    registration = store.find_platform("https://platform.example", "vault-tool")
    assert registration is not None
    token = CachedTokenConnector(registration_of(registration), registration.id).get_access_token(
        ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]
    )
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.ims.lis.v1.score+json"}
    body = (
        '{"scoreGiven": 3.0, "scoreMaximum": 3.0, "activityProgress": "Completed", "gradingProgress": "FullyGraded",'
        ' "timestamp": "2026-12-04T00:00:00+00:00", "userId": "bare"}'
    )
    start = time.perf_counter()
    for _ in range(count):
        session.post(lineitem + "/scores", data=body, headers=headers, timeout=60).raise_for_status()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--launches", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scores", type=int, default=200)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    data_dir = os.environ.get("VAULT_DATA_DIR", str(ROOT / ".data" / "bench-lti"))
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    _create_database(database_url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**_env(database_url, data_dir), "VE_EDU_VAULT_LTI_ENABLED": "1", "VAULT_LMS_ROOT": base}
    os.environ.update(env)
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "lms", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    sys.argv = ["bench"]
    created, people, tokens = _setup(1)
    from lti_harness import platform_server

    from ve_edu_vault.lti import api

    proc = _start_gunicorn(env, port, args.workers, Path(data_dir) / "gunicorn-bench-lti.log")
    worker = None
    try:
        _wait_ready(base, proc)
        with platform_server(base) as platform:
            platform.register()
            api.link_resource(
                issuer="https://platform.example",
                deployment_id="dep-1",
                context_id="ctx-1",
                resource_link_id="rl-1",
                assessment_id=created[0].id,
            )
            _launch_phases(base, platform, min(20, args.launches), args.clients)  # warm-up (JWKS cached, users made)
            _access_phase(base, tokens[people[0].pk], min(20, args.launches), args.clients)
            access_wall, access_ok = _access_phase(base, tokens[people[0].pk], args.launches, args.clients)
            launch_wall, launch_ok = _launch_phases(base, platform, args.launches, args.clients)

            # AGS: queue, then a real worker drains; the platform verifies the tool's assertions with its JWKS URL.
            _queue_scores(created[0].id, args.scores)
            log = (Path(data_dir) / "worker-bench-lti.log").open("wb")
            worker = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/python"),
                    "-m",
                    "celery",
                    "-A",
                    "hosts.celery",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            time.sleep(3)  # the worker connects
            from hosts.celery import app

            start = time.perf_counter()
            app.send_task("ve_edu_vault.lti.tasks.deliver_lti_scores")
            deadline = time.monotonic() + 600
            while _due() and time.monotonic() < deadline:
                time.sleep(0.05)
            ags_wall = time.perf_counter() - start
            left = _due()
            lineitem = platform.get("/control/scores")["scores"][-1]["_lineitem"]
            bare_wall = _bare_posts(platform, lineitem, args.scores)
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"LMS host under gunicorn ({args.workers} sync workers), {args.clients} concurrent clients, MariaDB")
    print(f"access endpoint : {args.launches / access_wall:8.1f} requests/s ({access_ok}/{args.launches} ok)")
    print(
        f"LTI launch      : {args.launches / launch_wall:8.1f} launches/s (login + launch, {launch_ok}/{args.launches}"
        f" rendered the page), {args.launches / launch_wall / (args.launches / access_wall):.2f}x the access endpoint"
    )
    print(
        f"AGS by worker   : {(args.scores - left) / ags_wall:8.1f} scores/s ({args.scores - left}/{args.scores} sent)"
        f" vs bare posts {args.scores / bare_wall:.1f}/s ({bare_wall / ags_wall * 100:.0f}% of bare)"
    )
    return 0 if left == 0 and launch_ok == args.launches else 1


if __name__ == "__main__":
    raise SystemExit(main())
