"""
A real Celery worker, in its own process, on the Redis broker, against the test database.

Used by tests that check task behaviour end to end (eager mode is for pure unit tests only).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """DATABASE_URL naming the test database pytest-django created (the worker must use it too)."""
    db = connection.settings_dict
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine in ("sqlite3", "sqlite_immediate"):  # hosts.sqlite_immediate: SQLite on Django 4.2
        return f"sqlite:///{db['NAME']}"
    scheme = {"mysql": "mysql", "postgresql": "postgres"}[engine]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{scheme}://{db['USER']}{password}@{db['HOST']}{port}/{db['NAME']}"


class Worker:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.pid = 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def succeeded(self, task_name: str) -> int:
        return sum(1 for line in self.log().splitlines() if task_name in line and "succeeded" in line)

    def received(self, task_name: str) -> int:
        """How many messages of the task the worker took from the broker (one with an ETA waits in the worker)."""
        return sum(1 for line in self.log().splitlines() if task_name in line and "received" in line)

    def wait_for(self, predicate: Any, timeout: float = 60.0, interval: float = 0.25) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return False


@contextmanager
def celery_worker(
    tmp_path: Path, *, extra_env: dict[str, str] | None = None, beat: bool = False, flush: bool = True
) -> Iterator[Worker]:
    """A worker on the test database; ``flush=False`` keeps the broker's messages (a killed worker's unacked)."""
    broker = (extra_env or {}).get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    if not broker.startswith("redis://"):
        raise RuntimeError(f"worker tests need a Redis broker, CELERY_BROKER_URL is {broker!r}")
    if flush:
        redis.Redis.from_url(broker).flushdb()
    tmp_path.mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE),
        "DATABASE_URL": test_database_url(),
        **(extra_env or {}),
        "CELERY_BROKER_URL": broker,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hosts.celery",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        f"--logfile={log_path}",
    ]
    if beat:
        command.append("--beat")
        command.append(f"--schedule={tmp_path / 'beat-schedule'}")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    worker = Worker(log_path)
    worker.pid = process.pid
    try:
        if not worker.wait_for(lambda: "ready." in worker.log() or process.poll() is not None, timeout=60):
            raise RuntimeError(f"the Celery worker did not start:\n{worker.log()}")
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}:\n{worker.log()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
