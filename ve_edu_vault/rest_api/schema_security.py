"""
How clients authenticate, in the OpenAPI schema: ``securitySchemes`` and each operation's ``security``.

TLDR: drf-spectacular derives an operation's ``security`` from its view's authentication classes through these
extensions (one per class), so an operation lists
exactly what its view accepts; :func:`add_security` (a post-processing hook) names the webhook receiver's
signature and marks operations open to anyone with an explicit ``security: []``. Imported by the schema view, which
registers the extensions.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

__all__ = ["add_security"]

INBOUND_OPERATION = "webhook_inbound_receive"


class VaultJwtScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ve_edu_vault.rest_api.authentication.VaultJwtAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'An Open edX JWT: "Authorization: JWT <token>" (a token from the LMS\'s /oauth2/access_token with '
                '"token_type": "jwt", or the edx-jwt-cookie-header-payload and edx-jwt-cookie-signature cookies '
                "the LMS sets on login)."
            ),
        }


class LtiLaunchScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ve_edu_vault.rest_api.lti_launch.LtiLaunchAuthentication"
    name = "ltiLaunchToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": '"Authorization: VaultLTI <token>": the token of one LTI launch (its page only).',
        }

    # drf-spectacular skips a None requirement (openapi.py, AutoSchema.get_auth); its stub does not say so.
    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]] | None:  # type: ignore[override]
        if not getattr(auto_schema.view, "accepts_lti_launch", True):
            return None  # Studio's authoring views refuse launch tokens (rest_api/lti_launch.py)
        return {self.name: []}


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "edx_rest_framework_extensions.auth.session.authentication.SessionAuthenticationAllowInactiveUser"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The LMS or Studio session cookie (browsers); unsafe methods also need the CSRF token.",
        }


WEBHOOK_SIGNATURE = {
    "type": "apiKey",
    "in": "header",
    "name": "webhook-signature",
    "description": (
        "Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature (v1, HMAC-SHA256 with the site's "
        "VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET over id.timestamp.body)."
    ),
}


def add_security(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the receiver's signature scheme; ``security: []`` where none applies."""
    schemes = result.setdefault("components", {}).setdefault("securitySchemes", {})
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if operation.get("operationId") == INBOUND_OPERATION:
                schemes["webhookSignature"] = WEBHOOK_SIGNATURE
                operation["security"] = [{"webhookSignature": []}]
            elif not operation.get("security"):
                operation["security"] = []
    return result
