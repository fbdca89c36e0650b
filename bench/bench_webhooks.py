"""
Benchmark of webhook delivery: deliveries per second by one worker, next to a bare sender in the same run.

TLDR: run ``.venv/bin/python bench/bench_webhooks.py [--deliveries N] [--rounds N]``. On MariaDB
(``BENCH_DATABASE_URL``, default ``mysql://root@127.0.0.1:3306/vault_bench_webhooks``; created and migrated first)
with a real HTTP receiver on loopback (``http.server``, one thread per connection, answering 200 at once), it times:

- baseline: a bare sender: one ``requests.Session`` POSTing the same body ``N`` times (no signing, no database):
  the fastest simple way to send ``N`` webhooks to that receiver from Python;
- worker: ``webhooks.api.deliver_pending()`` (the loop the Celery task runs, in this one process) delivering ``N``
  events recorded in the outbox: fan-out, claims with leases, Standard Webhooks signing, the POST, the record of
  each outcome.

The two alternate for ``--rounds`` rounds (after one uncounted warm-up). Target (PASS/FAIL, non-zero exit on FAIL
unless ``--no-fail``): the worker at least a third of the bare sender's rate (the worker writes three rows per
delivery and signs each). Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "mysql://root@127.0.0.1:3306/vault_bench_webhooks"
COURSE = "course-v1:VE+BenchHooks+2026"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy
    disable_nagle_algorithm = True  # the answer leaves at once (no 40 ms delayed-ACK stall per request)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def _receiver() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _bare(url: str, count: int) -> float:
    import requests

    body = b'{"type":"attempt.graded","timestamp":"2026-12-04T00:00:00Z","data":{"attempt_id":1,"score":1.0}}'
    started = time.perf_counter()
    with requests.Session() as session:
        for _ in range(count):
            response = session.post(url, data=body, headers={"content-type": "application/json"}, timeout=10)
            if response.status_code != 200:
                raise SystemExit(f"baseline: HTTP {response.status_code}")
    return time.perf_counter() - started


def _worker(count: int) -> float:
    from django.db import transaction

    from ve_edu_vault.hooks.signals import record_event
    from ve_edu_vault.webhooks import api

    with transaction.atomic():
        for index in range(count):
            record_event("attempt.graded", course_key=COURSE, data={"attempt_id": index, "score": 1.0, "passed": True})
    started = time.perf_counter()
    counts = api.deliver_pending(budget_seconds=600)
    elapsed = time.perf_counter() - started
    if counts["succeeded"] != count or counts["retrying"] or counts["failed"]:
        raise SystemExit(f"worker: {counts}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args(argv)
    count = max(10, min(args.deliveries, 10000))
    rounds = max(1, min(args.rounds, 20))

    from bench.bench_submit import _create_database

    data_dir = os.environ.get("VAULT_DATA_DIR", "/tmp/vault_bench_webhooks")
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "VAULT_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "hosts.lms.settings",
            "VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            # The task the commits would queue is not run here: this process is the worker.
            "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "memory://"),
        }
    )
    _create_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from ve_edu_vault.webhooks import api
    from ve_edu_vault.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

    WebhookDelivery.objects.all().delete()
    WebhookEvent.objects.all().delete()
    WebhookSubscription.objects.all().delete()
    server = _receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    api.create_subscription(url=url, event_types=["attempt.graded"])
    bare_rates, worker_rates = [], []
    try:
        for index in range(rounds + 1):  # round 0 warms up and is not counted
            bare = _bare(url, count)
            worker = _worker(count)
            if index:
                bare_rates.append(count / bare)
                worker_rates.append(count / worker)
    finally:
        server.shutdown()
    engine = django.db.connection.vendor  # type: ignore[attr-defined]
    bare_rate, worker_rate = statistics.median(bare_rates), statistics.median(worker_rates)
    print(f"{count} deliveries per round, {rounds} rounds, {engine}, receiver on loopback (median of rounds)")
    print(f"baseline  bare sender (one requests.Session, no signing, no database): {bare_rate:8.0f} deliveries/s")
    print(f"worker    deliver_pending (outbox, claim, sign, POST, record):          {worker_rate:8.0f} deliveries/s")
    ratio = worker_rate / bare_rate if bare_rate else 0.0
    ok = ratio >= 1 / 3
    print(f"worker = {ratio:.2f} x bare sender (target >= 0.33): {'PASS' if ok else 'FAIL'}")
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
