"""
The LTI tests' harness: the platform server process (``platform_server.py``) and one launch, step by step.

A launch goes as a browser's would: the platform's login initiation URL (from ``/control/login``) to the
tool's login endpoint, its redirect to the platform's authorization endpoint (real HTTP), whose answer
(state, id_token) is posted to the tool's launch endpoint. The tool is served by Django's test client
(``base`` http://testserver) or by a live server (its URL).
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

SERVER = Path(__file__).resolve().parent / "platform_server.py"
ISSUER = "https://platform.example"
CLIENT_ID = "vault-tool"
DEPLOYMENT_ID = "dep-1"


@dataclass
class PlatformServer:
    url: str
    process: subprocess.Popen[str]

    def control(self, control: str, **body: Any) -> Any:
        response = requests.post(f"{self.url}/control/{control}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def get(self, path: str) -> Any:
        response = requests.get(self.url + path, timeout=30)
        response.raise_for_status()
        return response.json()

    def register(self, *, name: str = "Test platform") -> Any:
        from ve_edu_vault.lti import api

        return api.add_platform(
            issuer=ISSUER,
            client_id=CLIENT_ID,
            deployment_ids=[DEPLOYMENT_ID],
            auth_login_url=f"{self.url}/auth",
            auth_token_url=f"{self.url}/token",
            key_set_url=f"{self.url}/jwks",
            name=name,
        )


@contextmanager
def platform_server(tool_base: str) -> Iterator[PlatformServer]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVER),
            "--tool-base",
            tool_base,
            "--issuer",
            ISSUER,
            "--client-id",
            CLIENT_ID,
            "--deployment-id",
            DEPLOYMENT_ID,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        if not port:
            raise RuntimeError("the platform server did not start")
        server = PlatformServer(url=f"http://127.0.0.1:{port}", process=process)
        for _ in range(50):
            try:
                requests.get(server.url + "/jwks", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


class _LoopbackBrowser(requests.Session):
    """Sends ``Secure`` cookies over plain HTTP (requests rebuilds a default-policy jar per request: redo it)."""

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        jar = requests.cookies.RequestsCookieJar()
        jar.set_policy(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        jar.update(self.cookies)
        if request.cookies:
            jar.update(requests.cookies.cookiejar_from_dict(dict(request.cookies)))
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(jar)
        return prepared


def browser_session() -> requests.Session:
    """
    A ``requests`` session that keeps cookies as a browser does on a loopback tool: browsers send ``Secure``
    cookies to http://localhost (a secure context), Python's cookie jar only over HTTPS.
    """
    return _LoopbackBrowser()


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def part(text: str) -> dict[str, Any]:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))  # type: ignore[no-any-return]

    header, body, _signature = token.split(".")
    return part(header), part(body)


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def login(client: Any, platform: PlatformServer, **launch: Any) -> dict[str, str]:
    """Login initiation at the tool and the platform's answer: ``{"state", "id_token", "action"}``."""
    url = platform.control("login", **launch)["url"]
    response = client.get(path_and_query(url))
    assert response.status_code == 302, response.content[:500]
    answer = requests.get(response["Location"], headers={"Accept": "application/json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def post_launch(client: Any, form: dict[str, str]) -> Any:
    return client.post(path_and_query(form["action"]), {"state": form["state"], "id_token": form["id_token"]})


def launch(client: Any, platform: PlatformServer, **launch_body: Any) -> Any:
    return post_launch(client, login(client, platform, **launch_body))


def resign(
    platform: PlatformServer, token: str, *, key: str = "current", kid: str | None = None, **changes: Any
) -> str:
    """The id_token's claims changed (``None`` removes one) and signed again by the platform (or a rogue key)."""
    _header, body = decode_unverified(token)
    for name, value in changes.items():
        name = name.replace("__", "/")
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return platform.control("sign", claims=body, key=key, **({"kid": kid} if kid else {}))["token"]  # type: ignore[no-any-return]
