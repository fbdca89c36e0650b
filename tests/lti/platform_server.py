"""
A real LTI 1.3 platform for the tool's end-to-end tests: Open edX's ``LtiAdvantageConsumer`` behind a small HTTP server.

TLDR: run as its own process (``python tests/lti/platform_server.py --port 0 ...``; it prints its port). The
LTI work is lti-consumer-xblock's (``lti_consumer/lti_1p3/consumer.py``, installed by ``make requirements`` into
``.venv/lti-platform`` so its ``lms.djangoapp`` entry point never loads into the hosts): preparing the OIDC
login initiation (``prepare_preflight_url``), answering the tool's authorization request with a signed id_token
(``generate_launch_request``, which checks the redirect URI and client id), its JWKS (``get_public_keyset``),
client-credentials access tokens (``access_token``, which verifies the tool's signed assertion against the
tool's JWKS) and AGS scope checks (``check_token``), and deep linking responses
(``check_and_decode_deep_linking_token``). What this file adds is HTTP plumbing lti-consumer-xblock keeps in
its XBlock and Django views, in-memory line items, scores and a roster, and ``/control/`` endpoints the tests
use (start a launch, sign tampered claims with the platform's key, rotate the key, read what arrived, put
everything back as it started: the tests share one process per tool address, reset before each test).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".venv" / "lti-platform"))

import django
from django.conf import settings

settings.configure(
    PLATFORM_NAME="Test platform (lti-consumer-xblock)",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from django.core.cache import cache  # noqa: E402
from lti_consumer.data import Lti1p3LaunchData  # noqa: E402
from lti_consumer.lti_1p3.consumer import LtiAdvantageConsumer  # noqa: E402
from lti_consumer.lti_1p3.key_handlers import PlatformKeyHandler  # noqa: E402

AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


# The platform's half of LTI platform storage (1EdTech "LTI postMessage Storage" v0.1): lti-consumer-xblock has
# none (no lti_storage_target, lti.put_data or lti.get_data anywhere in lti_consumer/), so the test platform's
# course page answers the messages itself, keeping each sender origin's data apart and replying to that origin.
# window.ltiMessages records what arrived (subject, key, origin) for the tests.
PLATFORM_STORAGE_JS = """
window.ltiMessages = [];
var ltiStore = {};
window.addEventListener("message", function (event) {
  var data = event.data;
  if (!data || typeof data !== "object" || typeof data.subject !== "string") { return; }
  var mine = ltiStore[event.origin] = ltiStore[event.origin] || {};
  var reply = {message_id: data.message_id, key: data.key};
  if (data.subject === "lti.capabilities") {
    reply.subject = "lti.capabilities.response";
    reply.supported_messages = [{subject: "lti.put_data"}, {subject: "lti.get_data"}];
  } else if (data.subject === "lti.put_data") {
    mine[data.key] = data.value;
    reply.subject = "lti.put_data.response";
    reply.value = data.value;
  } else if (data.subject === "lti.get_data") {
    reply.subject = "lti.get_data.response";
    reply.value = TAMPER ? "a-value-this-browser-never-stored" : mine[data.key];
  } else { return; }
  window.ltiMessages.push({subject: data.subject, key: data.key, origin: event.origin});
  event.source.postMessage(reply, event.origin);
});
"""


def new_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return "platform-" + uuid.uuid4().hex[:12], pem


class Platform:
    def __init__(
        self, *, base: str, issuer: str, client_id: str, deployment_id: str, tool_base: str, keep_keys: bool = True
    ) -> None:
        self.base = base
        self.keep_keys = keep_keys
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.tool_base = tool_base.rstrip("/")
        self.first_key = new_key()
        self.rogue = new_key()
        self.lock = threading.Lock()
        self.key_handlers: dict[tuple[str, str], PlatformKeyHandler] = {}
        self.reset()

    def reset(self) -> None:
        """Everything a test can change back to the start: the first key only, no line item, score, item or roster."""
        with self.lock:
            self.keys: list[tuple[str, str]] = [self.first_key]
            self.lineitems: dict[str, dict[str, Any]] = {}
            self.scores: list[dict[str, Any]] = []
            self.deep_link_items: list[Any] = []
            self.registrations: list[dict[str, Any]] = []
            self.pending: dict[str, dict[str, Any]] = {}  # the test's launch body per config id (/control/login)
            self.token_requests = 0
            self.jwks_fetches = 0
            self.fail_scores = 0  # the next N score posts answer 503
            self.roster: list[dict[str, Any]] = []
            self.tool_key_pem: str | None = None  # set: verify the tool's assertions with it instead of its JWKS URL
        cache.clear()  # lti-consumer-xblock's launch data, keyed by the login's lti_message_hint

    def key_handler(self, kid: str, pem: str) -> PlatformKeyHandler:
        """
        lti-consumer-xblock's handler of one platform key, built once per (kid, key).

        ``PlatformKeyHandler.__init__`` loads the PEM and then the JWK it exports: two RSA private key loads, each
        with OpenSSL 3's key check, 35-70 ms on the test machine. Built per request, as ``LtiConsumer1p3.__init__``
        does (``lti_consumer/lti_1p3/consumer.py``), they were most of every platform answer's time (launch, token,
        JWKS, tampered signature) and over a quarter of the LTI suite's. The handler keeps no state between calls.

        ``--key-per-request`` (``keep_keys`` False) builds one per call, as the XBlock does: the framed browser
        tests use it (docs/decisions/0034-lti-test-platform-shared-and-fast.rst says why).
        """
        if not self.keep_keys:
            return PlatformKeyHandler(pem, kid)
        with self.lock:
            handler = self.key_handlers.get((kid, pem))
            if handler is None:
                handler = self.key_handlers[(kid, pem)] = PlatformKeyHandler(pem, kid)
            return handler

    def consumer(self, *, kid_pem: tuple[str, str] | None = None) -> LtiAdvantageConsumer:
        kid, pem = kid_pem or self.keys[-1]
        consumer = LtiAdvantageConsumer(
            iss=self.issuer,
            lti_oidc_url=self.tool_base + "/ve-edu-vault/lti/login/",
            lti_launch_url=self.tool_base + "/ve-edu-vault/lti/launch/",
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            rsa_key=None,  # the key handler below, already loaded
            rsa_key_id=kid,
            redirect_uris=[self.tool_base + "/ve-edu-vault/lti/launch/"],
            tool_key=self.tool_key_pem,
            tool_keyset_url=None if self.tool_key_pem else self.tool_base + "/ve-edu-vault/lti/jwks/",
        )
        consumer.key_handler = self.key_handler(kid, pem)  # what the consumer signs, verifies and publishes with
        return consumer

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, pem in self.keys:
            keys.extend(self.key_handler(kid, pem).get_public_jwk()["keys"])
        return {"keys": keys}

    def lineitem_url(self, resource_link_id: str) -> str:
        item_id = "li-" + resource_link_id
        self.lineitems.setdefault(
            item_id,
            {
                "id": f"{self.base}/lineitems/{item_id}",
                "scoreMaximum": 100,
                "label": resource_link_id,
                "resourceLinkId": resource_link_id,
            },
        )
        return f"{self.base}/lineitems/{item_id}"


class Handler(BaseHTTPRequestHandler):
    platform: Platform

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write("platform: " + format % args + "\n")

    # -- plumbing --------------------------------------------------------------------------------

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = (json.dumps(body) if content_type.endswith("json") else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self._body().decode()).items()}

    def _bearer_ok(self, scopes: list[str]) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            return bool(self.platform.consumer().check_token(header[7:], allowed_scopes=scopes))
        except Exception:
            return False

    # -- routes ----------------------------------------------------------------------------------

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        p = self.platform
        if parts.path == "/jwks":
            with p.lock:
                p.jwks_fetches += 1
            return self._send(200, p.jwks())
        if parts.path == "/auth":
            return self._authorize(query)
        if parts.path == "/page":  # a course page of the platform framing the tool (another origin)
            frame = html.escape(query.get("launch", ""))
            storage = query.get("storage", "")  # "parent": this page is the platform storage; "tamper": it lies
            script = (
                f"<script>var TAMPER = {'true' if storage == 'tamper' else 'false'};{PLATFORM_STORAGE_JS}</script>"
                if storage in ("parent", "tamper")
                else ""
            )
            page = (
                "<!DOCTYPE html><html><head><title>Platform course</title></head><body>"
                f"<h1>Platform course</h1>{script}"
                f'<iframe id="tool" title="Vault assessment" src="{frame}" width="1000" height="1400"'
                ' allow="clipboard-write"></iframe></body></html>'
            )
            return self._send(200, page, "text/html")
        if parts.path == "/.well-known/openid-configuration":  # Dynamic Registration 1.0, section 3.4 (its example)
            if self.headers.get("Authorization") != "Bearer reg-token-1":
                return self._send(401, {"error": "registration token required"})
            issuer = query.get("issuer", p.base)  # a test asks for a foreign issuer
            return self._send(
                200,
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{p.base}/auth",
                    "token_endpoint": f"{p.base}/token",
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
                    "jwks_uri": f"{p.base}/jwks",
                    "registration_endpoint": f"{p.base}/register",
                    "scopes_supported": ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                    "response_types_supported": ["id_token"],
                    "subject_types_supported": ["public", "pairwise"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "claims_supported": ["sub", "iss", "name", "email"],
                    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                        "product_family_code": "test-platform",
                        "version": "1.0",
                        "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}],
                    },
                },
            )
        if parts.path == "/control/registrations":
            return self._send(200, {"registrations": p.registrations})
        if parts.path == "/control/scores":
            return self._send(
                200,
                {
                    "scores": p.scores,
                    "token_requests": p.token_requests,
                    "lineitems": p.lineitems,
                    "jwks_fetches": p.jwks_fetches,
                },
            )
        if parts.path == "/control/deep-link-items":
            return self._send(200, {"items": p.deep_link_items})
        if parts.path == "/lineitems":
            if not self._bearer_ok([AGS_LINEITEM, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"]):
                return self._send(401, {"error": "invalid token"})
            items = list(p.lineitems.values())
            if "resource_link_id" in query:
                items = [item for item in items if item.get("resourceLinkId") == query["resource_link_id"]]
            return self._send(200, items, "application/vnd.ims.lis.v2.lineitemcontainer+json")
        if parts.path.startswith("/memberships"):
            if not self._bearer_ok([NRPS_SCOPE]):
                return self._send(401, {"error": "invalid token"})
            body = {"id": f"{p.base}{parts.path}", "context": {"id": "ctx"}, "members": p.roster}
            return self._send(200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
        return self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        p = self.platform
        if parts.path == "/auth":  # form_post of the authorization request
            return self._authorize(self._form())
        if parts.path == "/token":
            form = self._form()
            with p.lock:
                p.token_requests += 1
            try:
                return self._send(200, p.consumer().access_token(form))
            except Exception as exc:
                return self._send(400, {"error": "invalid_grant", "error_description": type(exc).__name__})
        if parts.path == "/register":  # Dynamic Registration 1.0, sections 3.5.2 and 3.6
            if self.headers.get("Authorization") != "Bearer reg-token-1":
                return self._send(401, {"error": "registration token required"})
            body = json.loads(self._body())
            tool = body.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
            problems = [
                name
                for name, ok in (
                    ("application_type", body.get("application_type") == "web"),
                    ("response_types", body.get("response_types") == ["id_token"]),
                    ("grant_types", {"implicit", "client_credentials"} <= set(body.get("grant_types", []))),
                    ("initiate_login_uri", str(body.get("initiate_login_uri", "")).startswith("http")),
                    ("redirect_uris", bool(body.get("redirect_uris"))),
                    ("jwks_uri", str(body.get("jwks_uri", "")).startswith("http")),
                    ("token_endpoint_auth_method", body.get("token_endpoint_auth_method") == "private_key_jwt"),
                    ("lti-tool-configuration.domain", bool(tool.get("domain"))),
                    ("lti-tool-configuration.target_link_uri", bool(tool.get("target_link_uri"))),
                    ("lti-tool-configuration.messages", bool(tool.get("messages"))),
                )
                if not ok
            ]
            if problems:
                return self._send(400, {"error": "invalid_client_metadata", "fields": problems})
            p.registrations.append(body)
            answer = {
                **body,
                "client_id": "dyn-client-1",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {**tool, "deployment_id": "dyn-dep-1"},
            }
            return self._send(200, answer)
        if parts.path == "/dl-return":
            form = self._form()
            try:
                consumer = p.consumer()
                consumer.enable_deep_linking(p.tool_base + "/ve-edu-vault/lti/deep-linking/", f"{p.base}/dl-return")
                items = consumer.check_and_decode_deep_linking_token(form.get("JWT", ""))
            except Exception as exc:
                return self._send(400, {"error": type(exc).__name__}, "application/json")
            p.deep_link_items.extend(items)
            return self._send(200, "<p id='done'>Deep linking received.</p>", "text/html")
        if parts.path == "/lineitems":
            if not self._bearer_ok([AGS_LINEITEM]):
                return self._send(401, {"error": "invalid token"})
            item = json.loads(self._body())
            item_id = "li-" + uuid.uuid4().hex[:8]
            item["id"] = f"{p.base}/lineitems/{item_id}"
            p.lineitems[item_id] = item
            return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
        if parts.path.startswith("/lineitems/") and parts.path.endswith("/scores"):
            if not self._bearer_ok([AGS_SCORE]):
                return self._send(401, {"error": "invalid token"})
            with p.lock:
                if p.fail_scores > 0:
                    p.fail_scores -= 1
                    return self._send(503, {"error": "try later"})
                score = json.loads(self._body())
                score["_lineitem"] = p.base + parts.path[: -len("/scores")]
                score["_content_type"] = self.headers.get("Content-Type", "")
                p.scores.append(score)
            return self._send(200, {})
        if parts.path.startswith("/control/"):
            return self._control(parts.path, json.loads(self._body() or b"{}"))
        return self._send(404, {"error": "not found"})

    def _control(self, path: str, body: dict[str, Any]) -> None:
        p = self.platform
        if path == "/control/login":
            launch = Lti1p3LaunchData(
                user_id=body.get("user_id", "learner-1"),
                user_role=body.get("role", "student"),
                config_id=body.get("config_id", "cfg-1"),
                resource_link_id=body.get("resource_link_id", "rl-1"),
                name=body.get("name"),
                email=body.get("email"),
                context_id=body.get("context_id", "ctx-1"),
                message_type=body.get("message_type", "LtiResourceLinkRequest"),
                custom_parameters=body.get("custom", {}),
            )
            p.pending[launch.config_id] = body
            consumer = p.consumer()
            if launch.message_type == "LtiDeepLinkingRequest":  # as the XBlock configures it on both legs
                consumer.enable_deep_linking(p.tool_base + "/ve-edu-vault/lti/deep-linking/", f"{p.base}/dl-return")
            url = consumer.prepare_preflight_url(launch)
            return self._send(200, {"url": url})
        if path == "/control/sign":
            kid_pem = p.rogue if body.get("key") == "rogue" else p.keys[-1]
            if body.get("kid"):
                kid_pem = (body["kid"], kid_pem[1])
            token = p.key_handler(kid_pem[0], kid_pem[1]).encode_and_sign(body["claims"])
            return self._send(200, {"token": token})
        if path == "/control/rotate":
            p.keys.append(new_key())
            if body.get("drop_old"):
                p.keys = p.keys[-1:]
            return self._send(200, {"kid": p.keys[-1][0]})
        if path == "/control/reset":
            p.reset()
            return self._send(200, {})
        if path == "/control/fail-scores":
            p.fail_scores = int(body.get("count", 1))
            return self._send(200, {})
        if path == "/control/verify-tool-jwt":
            try:
                return self._send(200, {"claims": p.consumer().tool_jwt.validate_and_decode(body["token"])})
            except Exception as exc:
                return self._send(400, {"error": type(exc).__name__})
        if path == "/control/tool-key":
            p.tool_key_pem = body["pem"]
            return self._send(200, {})
        if path == "/control/roster":
            p.roster = body.get("members", [])
            return self._send(200, {})
        return self._send(404, {"error": "no such control"})

    def _authorize(self, params: dict[str, str]) -> None:
        """The platform's OIDC authorization endpoint: the tool's redirect lands here; answer with the launch."""
        p = self.platform
        from lti_consumer.utils import get_data_from_cache

        launch_data = get_data_from_cache(params.get("lti_message_hint", ""))
        if launch_data is None:
            return self._send(400, {"error": "unknown lti_message_hint"})
        body = p.pending.get(launch_data.config_id, {})
        consumer = p.consumer()
        consumer.set_user_data(
            launch_data.user_id, launch_data.user_role, full_name=launch_data.name, email_address=launch_data.email
        )
        consumer.set_resource_link_claim(launch_data.resource_link_id, title=body.get("title"))
        consumer.set_context_claim(launch_data.context_id, context_title="Platform course")
        consumer.set_launch_presentation_claim(document_target="iframe")
        if launch_data.custom_parameters:
            consumer.set_custom_parameters(dict(launch_data.custom_parameters))
        if body.get("ags", True):
            consumer.enable_ags(
                lineitems_url=f"{p.base}/lineitems",
                lineitem_url=None if body.get("no_lineitem") else p.lineitem_url(launch_data.resource_link_id),
                allow_programmatic_grade_interaction=True,
            )
        if body.get("nrps", True):
            consumer.enable_nrps(f"{p.base}/memberships/{launch_data.context_id}")
        if launch_data.message_type == "LtiDeepLinkingRequest":
            consumer.enable_deep_linking(p.tool_base + "/ve-edu-vault/lti/deep-linking/", f"{p.base}/dl-return")
        try:
            launch = consumer.generate_launch_request(params)
        except Exception as exc:
            return self._send(400, {"error": type(exc).__name__})
        target = params.get("redirect_uri", "")
        if "application/json" in self.headers.get("Accept", ""):
            return self._send(200, {**launch, "action": target})
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">' for name, value in launch.items()
        )
        page = (
            f'<form id="launch" method="post" action="{html.escape(target)}">{fields}</form>'
            '<script>document.getElementById("launch").submit();</script>'
        )
        return self._send(200, page, "text/html")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--issuer", default="https://platform.example")
    parser.add_argument("--client-id", default="vault-tool")
    parser.add_argument("--deployment-id", default="dep-1")
    parser.add_argument("--tool-base", required=True)
    parser.add_argument("--key-per-request", action="store_true", help="load the platform key for each answer")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    base = f"http://{args.host}:{server.server_address[1]}"
    Handler.platform = Platform(
        base=base,
        issuer=args.issuer,
        client_id=args.client_id,
        deployment_id=args.deployment_id,
        tool_base=args.tool_base,
        keep_keys=not args.key_per_request,
    )
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
