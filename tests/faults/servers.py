"""
Processes a fault or load test runs next to it, on loopback, each started and stopped by its own id: the LMS host
under gunicorn, a private Redis server on a free port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
API = "/api/ve-edu-vault/v1/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Stop a process this module started (its own session: the group id is its id)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def redis_server(port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A private, empty, non-persistent Redis on ``port``."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {log_path.read_text()}") from None
                time.sleep(0.1)
        yield process
    finally:
        _stop(process)


@contextmanager
def gunicorn_lms(env: dict[str, str], log_path: Path, *, workers: int = 2, port: int | None = None) -> Iterator[str]:
    """The LMS host under gunicorn (sync workers); yields its base URL."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            str(REPO_ROOT / ".venv/bin/gunicorn"),
            "hosts.lms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "512",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log_path.read_text(errors='replace')[-3000:]}")
            try:
                if requests.get(f"{base}{API}health/", timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer: {log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        _stop(process)


def server_env(database_url: str, broker_url: str, **extra: str) -> dict[str, Any]:
    """The environment of a host process on the test database and the given broker (fault-injection settings)."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "VAULT_FAULT_BASE_SETTINGS": settings.SETTINGS_MODULE,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        **extra,
    }
