"""
Deep linking and key rotation against the tool served over HTTP (a live server): lti-consumer-xblock's platform
fetches the tool's JWKS to verify the deep linking response and the tool's client assertions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from lti_harness import DEPLOYMENT_ID, ISSUER, PlatformServer, browser_session, decode_unverified, platform_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def live_platform(live_server: Any) -> Iterator[PlatformServer]:
    with platform_server(live_server.url) as server:
        yield server


@pytest.fixture
def tool(settings: Any, live_server: Any, live_platform: PlatformServer) -> Any:
    from tests.assessments.api_builders import make_assessment
    from ve_edu_vault.lti import api

    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    live_platform.register()
    assessment = make_assessment(block=None)
    # A link already bound in the platform context tells the tool which vault course the context is.
    api.link_resource(
        issuer=ISSUER,
        deployment_id=DEPLOYMENT_ID,
        context_id="ctx-1",
        resource_link_id="rl-1",
        assessment_id=assessment.id,
    )
    return assessment


def browse_launch(platform: PlatformServer, **launch: Any) -> requests.Response:
    """A browser's launch: login initiation at the tool, the platform's authorization, the form post back."""
    browser = browser_session()
    url = platform.control("login", **launch)["url"]
    to_platform = browser.get(url, allow_redirects=False)
    assert to_platform.status_code == 302, to_platform.text[:300]
    form = requests.get(to_platform.headers["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    return browser.post(form["action"], data={"state": form["state"], "id_token": form["id_token"]}, timeout=30)


def test_deep_linking_returns_a_signed_resource_link_with_a_line_item_and_its_launch_binds_it(
    live_platform: PlatformServer, tool: Any, live_server: Any
) -> None:
    picker = browse_launch(live_platform, role="staff", message_type="LtiDeepLinkingRequest", user_id="teacher-1")
    assert picker.status_code == 200, picker.text[:500]
    assert "Pick an assessment" in picker.text and "Quiz" in picker.text
    session = re.search(r'name="session" value="([^"]+)"', picker.text).group(1)  # type: ignore[union-attr]
    answer = requests.post(
        f"{live_server.url}/ve-edu-vault/lti/deep-linking/respond/",
        data={"session": session, "assessment_id": tool.id},
        timeout=30,
    )
    assert answer.status_code == 200
    action = re.search(r'action="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    assert action == f"{live_platform.url}/dl-return"
    received = requests.post(action, data={"JWT": token}, timeout=30)  # lti-consumer-xblock checks the JWT
    assert received.status_code == 200, received.text
    items = live_platform.get("/control/deep-link-items")["items"]
    assert len(items) == 1
    item = items[0]
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

    launched = browse_launch(live_platform, resource_link_id="rl-deep", user_id="learner-d", custom=item["custom"])
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
    response = browse_launch(live_platform, resource_link_id="rl-forged", custom={"vault_link": "forged:value"})
    assert response.status_code == 404 and "not set up yet" in response.text


def test_learners_cannot_deep_link(live_platform: PlatformServer, tool: Any) -> None:
    response = browse_launch(live_platform, role="student", message_type="LtiDeepLinkingRequest")
    assert response.status_code == 403 and '<code id="check">role</code>' in response.text


def test_platform_key_rotation_keeps_launches_signed_by_old_and_new_keys_working(
    live_platform: PlatformServer, tool: Any
) -> None:
    old_browser, old_form = _form(live_platform)  # signed by the old key, not yet posted (a launch in flight)
    old_kid = decode_unverified(old_form["id_token"])[0]["kid"]
    new_kid = live_platform.control("rotate")["kid"]  # the platform publishes both keys through the overlap
    new_browser, new_form = _form(live_platform)
    assert decode_unverified(new_form["id_token"])[0]["kid"] == new_kid != old_kid
    for browser, form in ((new_browser, new_form), (old_browser, old_form)):
        response = browser.post(form["action"], data={"state": form["state"], "id_token": form["id_token"]}, timeout=30)
        assert response.status_code == 200 and "vault-take-config" in response.text, response.text[:300]


def _form(platform: PlatformServer, **launch: Any) -> tuple[requests.Session, dict[str, str]]:
    """A browser that started a login (it holds the state cookie) and the platform's signed answer."""
    browser = browser_session()
    url = platform.control("login", **launch)["url"]
    to_platform = browser.get(url, allow_redirects=False)
    form = requests.get(to_platform.headers["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    return browser, form


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
