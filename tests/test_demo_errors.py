"""
The demo leaks no traceback (issue 18, item 10): its settings run with DEBUG off, and the server
scripts/serve.sh starts still serves the static files.

The server here is the demo's: ``hosts.lms.settings`` (through tests/settings_demo_faults.py, which
only adds views that fail on purpose) under ``runserver`` with the flags serve.sh uses.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.faults_urls import API_FAULT, PAGE_FAULT, SECRET

pytestmark = pytest.mark.slow


def _demo_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG")}
    env.update({"VAULT_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{data_dir / 'demo.sqlite3'}"})
    return env


def _serve_sh_runserver_flags() -> list[str]:
    """The flags scripts/serve.sh gives ``manage.py lms runserver`` (the address excepted)."""
    line = next(
        line for line in (REPO_ROOT / "scripts" / "serve.sh").read_text().splitlines() if " lms runserver" in line
    )
    words = line.split("runserver", 1)[1].split("&")[0].split()
    return [word for word in words if word.startswith("--")]


@pytest.mark.parametrize("service", ["lms", "cms"])
def test_the_demo_settings_run_with_debug_off(service: str, tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    for debug_env, expected in ((None, "False"), ("1", "True")):
        env = {**_demo_env(tmp_path), "DJANGO_SETTINGS_MODULE": f"hosts.{service}.settings"}
        if debug_env is not None:
            env["DJANGO_DEBUG"] = debug_env  # a developer may still ask for it
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    log = (tmp_path / "runserver.log").open("w")
    command = [sys.executable, "manage.py", "lms", "--settings=tests.settings_demo_faults", "runserver"]
    server = subprocess.Popen(
        [*command, *_serve_sh_runserver_flags(), f"127.0.0.1:{port}"],
        cwd=REPO_ROOT,
        env=_demo_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"the demo server did not start: {(tmp_path / 'runserver.log').read_text()}"
                    ) from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _get(port: int, path: str, accept: str = "text/html") -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def test_the_demo_server_shows_no_traceback_and_serves_static_files(demo_server: int) -> None:
    status, _type, page = _get(demo_server, PAGE_FAULT)
    assert status == 500
    assert SECRET not in page and "Traceback (most recent call last)" not in page and "FaultError" not in page
    assert "Server Error (500)" in page

    status, content_type, body = _get(demo_server, API_FAULT, accept="application/json")
    assert (status, content_type) == (500, "application/json")
    assert json.loads(body)["error_code"] == "server_error" and SECRET not in body

    status, _type, page = _get(demo_server, "/no-such-page/")
    assert status == 404
    assert not re.search(r"URLconf|urlpatterns|test-faults", page)  # DEBUG's 404 lists every URL pattern

    status, content_type, script = _get(demo_server, "/static/ve_edu_vault/assessments/take.js")
    assert status == 200 and "javascript" in content_type and script.strip()
