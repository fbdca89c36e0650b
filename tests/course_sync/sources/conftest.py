"""
A real HTTP server on 127.0.0.1 playing the LMS: OAuth2 token endpoint and Course Blocks API.

edx-rest-api-client caches tokens in Django's cache (TieredCache); when no Django settings are
configured (``-p no:django``), a local-memory cache is configured for the session.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

SHARED_OLX = Path(__file__).resolve().parents[3] / ".." / "shared" / "olx"
TOKEN = "test-access-token"


@pytest.fixture(scope="session", autouse=True)
def _django_cache_settings() -> None:
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})


@pytest.fixture(scope="session")
def shared_course_dir() -> Path:
    path = (SHARED_OLX / "openedx-test-course" / "course").resolve()
    if not (path / "course.xml").is_file():
        pytest.skip(f"the shared Open edX test course export is not available at {path}")
    return path


Reply = tuple[int, dict[str, str], bytes]


def json_reply(body: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


@dataclass
class FakeLms:
    """What the server answers; tests replace ``blocks`` (query dict -> reply) and ``token_reply``."""

    base_url: str = ""
    blocks: Callable[[dict[str, list[str]]], Reply] = lambda query: json_reply({"detail": "not set"}, 500)
    token_reply: Reply = field(default_factory=lambda: json_reply({"access_token": TOKEN, "expires_in": 3600}))
    delay: float = 0.0
    requests: list[tuple[str, str, dict[str, list[str]], str | None]] = field(default_factory=list)


def _handler(lms: FakeLms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, reply: Reply) -> None:
            status, headers, body = reply
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            lms.requests.append(("POST", self.path, form, None))
            if self.path != "/oauth2/access_token" or form.get("grant_type") != ["client_credentials"]:
                self._send(json_reply({"error": "invalid_request"}, 400))
            elif form.get("client_id", [""])[0].startswith("bad"):
                self._send(json_reply({"error": "invalid_client"}, 401))
            else:
                self._send(lms.token_reply)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            auth = self.headers.get("Authorization")
            lms.requests.append(("GET", url.path, query, auth))
            if lms.delay:
                time.sleep(lms.delay)
            if auth != f"JWT {TOKEN}":
                self._send(json_reply({"detail": "Authentication credentials were not provided."}, 401))
            elif url.path != "/api/courses/v1/blocks/":
                self._send(json_reply({"detail": "Not found."}, 404))
            else:
                self._send(lms.blocks(query))

    return Handler


@pytest.fixture
def fake_lms() -> Iterator[FakeLms]:
    lms = FakeLms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lms))
    server.daemon_threads = True
    lms.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield lms
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
