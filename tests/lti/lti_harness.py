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
import re
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
def platform_server(tool_base: str, *, key_per_request: bool = False) -> Iterator[PlatformServer]:
    """The platform process; ``key_per_request``: it loads its key for each answer, as lti-consumer-xblock does."""
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
            *(["--key-per-request"] if key_per_request else []),
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


def browser_login(platform: PlatformServer, **launch_body: Any) -> tuple[requests.Session, dict[str, str]]:
    """A browser that started a login at a live tool (it holds the state cookie) and the platform's signed answer."""
    browser = browser_session()
    to_platform = browser.get(platform.control("login", **launch_body)["url"], allow_redirects=False)
    assert to_platform.status_code == 302, to_platform.text[:300]
    form = requests.get(to_platform.headers["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    return browser, form


def browser_launch(platform: PlatformServer, **launch_body: Any) -> requests.Response:
    """A browser's launch of a live tool: login initiation, the platform's authorization, the form posted back."""
    browser, form = browser_login(platform, **launch_body)
    return browser.post(form["action"], data={"state": form["state"], "id_token": form["id_token"]}, timeout=30)


def deep_link_returned(platform: PlatformServer, answer: requests.Response) -> dict[str, Any]:
    """The tool's deep linking answer posted to the platform, which verifies its JWT; the item the platform kept."""
    assert answer.status_code == 200, answer.text[:500]
    action = re.search(r'action="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    assert action == f"{platform.url}/dl-return"
    received = requests.post(action, data={"JWT": token}, timeout=30)  # lti-consumer-xblock checks the JWT
    assert received.status_code == 200, received.text
    return platform.get("/control/deep-link-items")["items"][-1]  # type: ignore[no-any-return]


def bind_link(assessment_id: int, *, resource_link_id: str = "rl-1") -> None:
    """The test platform's resource link (context ctx-1) bound to the assessment, as an earlier deep link would."""
    from ve_edu_vault.lti import api

    api.link_resource(
        issuer=ISSUER,
        deployment_id=DEPLOYMENT_ID,
        context_id="ctx-1",
        resource_link_id=resource_link_id,
        assessment_id=assessment_id,
    )


def registered_and_bound(platform: PlatformServer, **assessment: Any) -> Any:
    """The platform registered, a synced course with an assessment (no block), resource link rl-1 bound to it."""
    from tests.assessments.api_builders import make_assessment

    platform.register()
    made = make_assessment(block=None, **assessment)
    bind_link(made.id)
    return made


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
