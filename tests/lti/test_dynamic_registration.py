"""
LTI Dynamic Registration against the specification's messages: the platform side (``platform_server.py``) serves the
spec's OpenID configuration and checks the tool's registration request field by field, as section 3.5.2 lists them.
lti-consumer-xblock has no dynamic registration, so that side is a faithful reading of the spec, not Open edX's code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from ve_edu_vault.lti.models import LtiDeployment, LtiPlatform

pytestmark = pytest.mark.django_db


def register_url(platform: Any, *, issuer: str | None = None, token: str = "reg-token-1") -> str:
    config = f"{platform.url}/.well-known/openid-configuration" + (f"?issuer={quote(issuer)}" if issuer else "")
    return f"/ve-edu-vault/lti/register/?openid_configuration={quote(config, safe='')}&registration_token={token}"


def test_staff_confirm_and_the_tool_registers_itself(admin_client: Any, platform: Any, caplog: Any) -> None:
    caplog.set_level("WARNING", logger="ve_edu_vault.lti.audit")
    page = admin_client.get(register_url(platform))
    assert page.status_code == 200 and platform.url.encode() in page.content and b'id="confirm"' in page.content
    assert not LtiPlatform.objects.exists()  # nothing registered before the confirmation
    config = f"{platform.url}/.well-known/openid-configuration"
    done = admin_client.post(
        "/ve-edu-vault/lti/register/", {"openid_configuration": config, "registration_token": "reg-token-1"}
    )
    assert done.status_code == 200, done.content[:500]
    assert b"org.imsglobal.lti.close" in done.content
    saved = LtiPlatform.objects.get()
    assert (saved.issuer, saved.client_id) == (platform.url, "dyn-client-1")
    assert saved.auth_login_url == f"{platform.url}/auth" and saved.key_set_url == f"{platform.url}/jwks"
    assert list(LtiDeployment.objects.values_list("deployment_id", flat=True)) == ["dyn-dep-1"]
    sent = platform.get("/control/registrations")["registrations"][-1]
    assert sent["initiate_login_uri"] == "http://testserver/ve-edu-vault/lti/login/"
    assert sent["jwks_uri"] == "http://testserver/ve-edu-vault/lti/jwks/"
    messages = sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]["messages"]
    assert {message["type"] for message in messages} == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    assert "platform_added" in caplog.text


def test_an_issuer_on_another_host_is_refused(admin_client: Any, platform: Any) -> None:
    page = admin_client.get(register_url(platform, issuer="https://elsewhere.example"))
    assert page.status_code == 400 and b"not on the host" in page.content
    assert not LtiPlatform.objects.exists()


def test_a_wrong_registration_token_is_refused(admin_client: Any, platform: Any) -> None:
    page = admin_client.get(register_url(platform, token="wrong"))
    assert page.status_code == 400 and b"could not be read" in page.content


def test_only_global_staff_register(client: Any, platform: Any, make_user: Any) -> None:
    assert client.get(register_url(platform)).status_code == 302  # to the login page
    client.force_login(make_user("not-staff"))
    assert client.get(register_url(platform)).status_code == 403
