"""
Every check of the LTI 1.3 security framework: a launch failing exactly that check is refused with a clear page
(4xx, the check named, no traceback) and one audit line naming the check.

The platform (lti-consumer-xblock) signs the real launch; a test changes one claim and has the platform sign it
again with its own key (or a rogue key), so only that check can fail.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from lti_harness import CLIENT_ID, login, post_launch, resign

pytestmark = pytest.mark.django_db

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def refused(response: Any, caplog: Any, check: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    assert b"The launch was refused" in response.content
    assert f'<code id="check">{check}</code>'.encode() in response.content
    assert b"Traceback" not in response.content
    lines = [
        r.getMessage() for r in caplog.records if r.name == "ve_edu_vault.lti.audit" and "refused" in r.getMessage()
    ]
    assert any(f"check='{check}'" in line for line in lines), lines


@pytest.fixture
def audit(caplog: Any) -> Any:
    caplog.set_level("WARNING", logger="ve_edu_vault.lti.audit")
    return caplog


def tampered(client: Any, platform: Any, **changes: Any) -> Any:
    form = login(client, platform)
    form["id_token"] = resign(platform, form["id_token"], **changes)
    return post_launch(client, form)


def test_a_valid_launch_passes_every_check(client: Any, platform: Any, bound: Any) -> None:
    form = login(client, platform)
    form["id_token"] = resign(platform, form["id_token"])  # signed again, unchanged: the control for the tests below
    assert post_launch(client, form).status_code == 200


def test_signature_made_with_another_key_under_the_platforms_kid(
    client: Any, platform: Any, bound: Any, audit: Any
) -> None:
    from lti_harness import decode_unverified

    form = login(client, platform)
    kid = decode_unverified(form["id_token"])[0]["kid"]
    form["id_token"] = resign(platform, form["id_token"], key="rogue", kid=kid)
    refused(post_launch(client, form), audit, "signature")


def test_kid_unknown_even_after_refreshing_the_platform_jwks(
    client: Any, platform: Any, bound: Any, audit: Any
) -> None:
    form = login(client, platform)
    form["id_token"] = resign(platform, form["id_token"], key="rogue", kid="no-such-kid")
    refused(post_launch(client, form), audit, "kid")


def test_iss_other_than_the_logins(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, iss="https://evil.example"), audit, "iss")


def test_aud_without_the_tools_client_id(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, aud="another-tool", azp="another-tool"), audit, "aud")


def test_azp_other_than_the_client_id(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, aud=[CLIENT_ID, "another-tool"], azp="another-tool"), audit, "azp")


def test_azp_missing_with_several_audiences(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, aud=[CLIENT_ID, "another-tool"], azp=None), audit, "azp")


def test_exp_in_the_past(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, exp=int(time.time()) - 3600), audit, "exp")


def test_exp_missing(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, exp=None), audit, "exp")


def test_iat_in_the_future(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, iat=int(time.time()) + 3600), audit, "iat")


def test_iat_missing(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, iat=None), audit, "iat")


def test_nonce_replayed_with_a_new_login(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    first = login(client, platform)
    assert post_launch(client, first).status_code == 200
    second = login(client, platform)
    refused(post_launch(client, {**second, "id_token": first["id_token"]}), audit, "nonce")


def test_nonce_other_than_the_logins(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, nonce="made-up"), audit, "nonce")


def test_state_used_twice(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    form = login(client, platform)
    assert post_launch(client, form).status_code == 200
    refused(post_launch(client, form), audit, "state")


def test_state_unknown(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    form = login(client, platform)
    refused(post_launch(client, {**form, "state": "state-made-up"}), audit, "state")


def test_deployment_id_not_registered(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, **{CLAIM + "deployment_id": "dep-unknown"}), audit, "deployment_id")


def test_message_type_not_accepted(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, **{CLAIM + "message_type": "LtiSubmissionReviewRequest"}), audit, "message_type")


def test_version_not_1_3_0(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(tampered(client, platform, **{CLAIM + "version": "1.1.0"}), audit, "version")


def test_target_link_uri_other_than_the_logins(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    refused(
        tampered(client, platform, **{CLAIM + "target_link_uri": "http://testserver/elsewhere/"}),
        audit,
        "target_link_uri",
    )


@pytest.mark.parametrize("claim", ["sub", CLAIM + "roles", CLAIM + "resource_link"])
def test_required_claim_missing(client: Any, platform: Any, bound: Any, audit: Any, claim: str) -> None:
    refused(tampered(client, platform, **{claim: None}), audit, "claims")


def test_login_for_an_unknown_issuer(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    response = client.get(
        "/ve-edu-vault/lti/login/",
        {
            "iss": "https://unknown.example",
            "login_hint": "x",
            "target_link_uri": "http://testserver/ve-edu-vault/lti/launch/",
        },
    )
    refused(response, audit, "iss")


def test_login_for_a_target_that_is_not_the_tools(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    response = client.get(
        "/ve-edu-vault/lti/login/",
        {"iss": "https://platform.example", "login_hint": "x", "target_link_uri": "https://evil.example/"},
    )
    refused(response, audit, "target_link_uri")


def test_a_garbled_id_token(client: Any, platform: Any, bound: Any, audit: Any) -> None:
    form = login(client, platform)
    refused(post_launch(client, {**form, "id_token": "not.a-jwt"}), audit, "format")
