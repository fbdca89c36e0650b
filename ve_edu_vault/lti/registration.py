"""
LTI Dynamic Registration (1EdTech LTI Dynamic Registration 1.0): a platform admin pastes one URL, staff confirm.

TLDR: the platform opens ``/ve-edu-vault/lti/register/?openid_configuration=URL[&registration_token=T]``. The tool
(global staff signed in) reads the platform's OpenID configuration (spec section 3.4: ``issuer``,
``authorization_endpoint``, ``token_endpoint``, ``jwks_uri``, ``registration_endpoint`` and the
``lti-platform-configuration``; the issuer must be on the configuration URL's host, section 3.5.1), shows what it
will register, and on confirmation posts its client registration (section 3.5.2: ``application_type`` web,
``response_types`` id_token, ``grant_types`` implicit and client_credentials, ``initiate_login_uri``,
``redirect_uris``, ``jwks_uri``, ``token_endpoint_auth_method`` private_key_jwt, the scopes and the
``lti-tool-configuration`` with its messages) with the registration token, stores what the platform answered
(``client_id``, the deployment id) through ``api.add_platform``, and closes the platform's window with the
spec's ``org.imsglobal.lti.close`` message (section 3.6). pylti1p3 has no dynamic registration; this follows its
style (a plain class over requests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
TIMEOUT_SECONDS = 10


class RegistrationError(Exception):
    """A platform configuration or registration answer the tool cannot accept (the message says why)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product: str
    scopes_supported: tuple[str, ...]


def _http_url(value: Any, field: str) -> str:
    parts = urlsplit(str(value or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistrationError(f"The platform's {field} is not an http(s) URL.")
    return str(value)


def read_configuration(openid_configuration: str, registration_token: str = "") -> PlatformConfiguration:
    url = _http_url(openid_configuration, "openid_configuration")
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationError(f"The platform's OpenID configuration could not be read ({exc}).") from exc
    if not isinstance(data, dict):
        raise RegistrationError("The platform's OpenID configuration is not a JSON object.")
    missing = [name for name in REQUIRED if not data.get(name)]
    if missing or not isinstance(data.get(PLATFORM_CONFIGURATION), dict):
        raise RegistrationError(
            "The platform's OpenID configuration lacks: " + ", ".join(missing or [PLATFORM_CONFIGURATION])
        )
    issuer = _http_url(data["issuer"], "issuer")
    if urlsplit(issuer).netloc != urlsplit(url).netloc:
        raise RegistrationError("The platform's issuer is not on the host of its OpenID configuration URL.")
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=_http_url(data["authorization_endpoint"], "authorization_endpoint"),
        token_endpoint=_http_url(data["token_endpoint"], "token_endpoint"),
        jwks_uri=_http_url(data["jwks_uri"], "jwks_uri"),
        registration_endpoint=_http_url(data["registration_endpoint"], "registration_endpoint"),
        product=str(data[PLATFORM_CONFIGURATION].get("product_family_code", "")),
        scopes_supported=tuple(str(scope) for scope in data.get("scopes_supported") or ()),
    )


def client_registration(urls: Any, *, scopes: tuple[str, ...], name: str = "ve-edu-vault") -> dict[str, Any]:
    """The tool's client registration request (spec section 3.5.2)."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch, urls.deep_linking],
        "client_name": name,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(urls.launch).netloc,
            "target_link_uri": urls.launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": urls.deep_linking},
            ],
        },
    }


def register(
    configuration: PlatformConfiguration, body: dict[str, Any], registration_token: str = ""
) -> tuple[str, str]:
    """Post the registration; ``(client_id, deployment_id)`` from the platform's answer (spec section 3.6)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = requests.post(
            configuration.registration_endpoint, json=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationError(f"The platform refused the registration ({exc}).") from exc
    client_id = str(answer.get("client_id") or "") if isinstance(answer, dict) else ""
    tool = answer.get(TOOL_CONFIGURATION) if isinstance(answer, dict) else None
    deployment_id = str((tool or {}).get("deployment_id") or "") if isinstance(tool, dict) else ""
    if not client_id or not deployment_id:
        raise RegistrationError("The platform's answer has no client_id or no deployment_id.")
    return client_id, deployment_id
