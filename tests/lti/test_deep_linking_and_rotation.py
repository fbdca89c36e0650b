"""
Deep linking and key rotation against the tool served over HTTP (a live server): lti-consumer-xblock's platform
fetches the tool's JWKS to verify the deep linking response and the tool's client assertions.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from lti_harness import (
    ISSUER,
    PlatformServer,
    browser_launch,
    browser_login,
    decode_unverified,
    deep_link_returned,
    registered_and_bound,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tool(settings: Any, live_server: Any, live_platform: PlatformServer) -> Any:
    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    # A link already bound in the platform context tells the tool which vault course the context is.
    return registered_and_bound(live_platform)


def test_deep_linking_returns_a_signed_resource_link_with_a_line_item_and_its_launch_binds_it(
    live_platform: PlatformServer, tool: Any, live_server: Any
) -> None:
    picker = browser_launch(live_platform, role="staff", message_type="LtiDeepLinkingRequest", user_id="teacher-1")
    assert picker.status_code == 200, picker.text[:500]
    assert "Pick an assessment" in picker.text and "Quiz" in picker.text
    session = re.search(r'name="session" value="([^"]+)"', picker.text).group(1)  # type: ignore[union-attr]
    answer = requests.post(
        f"{live_server.url}/ve-edu-vault/lti/deep-linking/respond/",
        data={"session": session, "assessment_id": tool.id},
        timeout=30,
    )
    item = deep_link_returned(live_platform, answer)
    assert len(live_platform.get("/control/deep-link-items")["items"]) == 1
    assert item["type"] == "ltiResourceLink" and item["url"] == f"{live_server.url}/ve-edu-vault/lti/launch/"
    assert item["title"] == "Quiz" and item["lineItem"]["scoreMaximum"] == 4.0
    assert item["lineItem"]["resourceId"] == f"ve-edu-vault-assessment-{tool.id}"
    # The session is single use.
    again = requests.post(
        f"{live_server.url}/ve-edu-vault/lti/deep-linking/respond/",
        data={"session": session, "assessment_id": tool.id},
        timeout=30,
    )
    assert again.status_code == 400 and "expired or was sent already" in again.text

    # The platform creates the link; its first launch carries the custom parameters and binds it.
    from ve_edu_vault.lti.models import LtiResourceLink

    launched = browser_launch(live_platform, resource_link_id="rl-deep", user_id="learner-d", custom=item["custom"])
    assert launched.status_code == 200, launched.text[:500]
    binding = LtiResourceLink.objects.get(resource_link_id="rl-deep")
    assert binding.assessment_id == tool.id and binding.created_by == "deep_linking"
    # Both steps are in the audit log: the instructor's choice (by their platform user id) and the binding.
    from ve_edu_vault.audit import api as audit

    (chosen,) = audit.list_entries(tool.course_key, action=audit.LTI_DEEP_LINK_CHOSEN)
    assert chosen.object_id == str(tool.id) and chosen.details["sub"] == "teacher-1"
    bound = audit.list_entries(tool.course_key, action=audit.LTI_LINK_BOUND)
    assert [entry.details["by"] for entry in bound if entry.object_id == str(binding.pk)] == ["deep_linking"]


def test_a_forged_vault_link_binds_nothing(live_platform: PlatformServer, tool: Any) -> None:
    response = browser_launch(live_platform, resource_link_id="rl-forged", custom={"vault_link": "forged:value"})
    assert response.status_code == 404 and "not set up yet" in response.text


def test_learners_cannot_deep_link(live_platform: PlatformServer, tool: Any) -> None:
    response = browser_launch(live_platform, role="student", message_type="LtiDeepLinkingRequest")
    assert response.status_code == 403 and '<code id="check">role</code>' in response.text


def test_platform_key_rotation_keeps_launches_signed_by_old_and_new_keys_working(
    live_platform: PlatformServer, tool: Any
) -> None:
    old_browser, old_form = browser_login(live_platform)  # signed by the old key, not yet posted (a launch in flight)
    old_kid = decode_unverified(old_form["id_token"])[0]["kid"]
    new_kid = live_platform.control("rotate")["kid"]  # the platform publishes both keys through the overlap
    new_browser, new_form = browser_login(live_platform)
    assert decode_unverified(new_form["id_token"])[0]["kid"] == new_kid != old_kid
    for browser, form in ((new_browser, new_form), (old_browser, old_form)):
        response = browser.post(form["action"], data={"state": form["state"], "id_token": form["id_token"]}, timeout=30)
        assert response.status_code == 200 and "vault-take-config" in response.text, response.text[:300]


def test_tool_key_rotation_keeps_old_and_new_signatures_verifiable_until_retired(
    live_platform: PlatformServer, tool: Any
) -> None:
    from ve_edu_vault.lti import api, keys, store
    from ve_edu_vault.lti.models import LtiPlatform

    platform_id = LtiPlatform.objects.get().pk
    old_kid, old_pem = store.signing_key(platform_id)
    claims = {"iss": "vault-tool", "sub": "vault-tool", "aud": "x", "exp": 4102444800, "iat": 1700000000}
    signed_old = keys.sign(claims, private_key_pem=old_pem, kid=old_kid)
    new_kid = api.rotate_key(issuer=ISSUER, client_id="vault-tool")
    _kid, new_pem = store.signing_key(platform_id)
    signed_new = keys.sign(claims, private_key_pem=new_pem, kid=new_kid)
    for token in (signed_old, signed_new):  # the platform fetches the tool's JWKS: both keys are there
        assert "claims" in live_platform.control("verify-tool-jwt", token=token)
    api.retire_old_keys(issuer=ISSUER, client_id="vault-tool")
    response = requests.post(f"{live_platform.url}/control/verify-tool-jwt", json={"token": signed_old}, timeout=30)
    assert response.status_code == 400  # retired: gone from the JWKS
    assert "claims" in live_platform.control("verify-tool-jwt", token=signed_new)
