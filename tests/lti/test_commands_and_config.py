"""The command-line contract (vault_lti_add_platform, vault_lti_link), the JWKS and configuration views."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ve_edu_vault.lti import api
from ve_edu_vault.lti.models import LtiDeployment, LtiPlatform, LtiResourceLink, LtiToolKey

pytestmark = pytest.mark.django_db

ARGS = [
    "--issuer",
    "https://canvas.example",
    "--client-id",
    "10000000000001",
    "--deployment-id",
    "d-1",
    "--auth-url",
    "https://canvas.example/api/lti/authorize_redirect",
    "--token-url",
    "https://canvas.example/login/oauth2/token",
    "--jwks-url",
    "https://canvas.example/api/lti/security/jwks",
]


def add_platform(*extra: str) -> dict[str, Any]:
    out = StringIO()
    call_command("vault_lti_add_platform", *ARGS, *extra, "--json", stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_add_platform_prints_the_tools_urls_and_key_id_and_is_idempotent(client: Any, caplog: Any) -> None:
    caplog.set_level("WARNING", logger="ve_edu_vault.lti.audit")
    first = add_platform()
    assert first["status"] == "created"
    assert first["oidc_login_url"] == "http://testserver/ve-edu-vault/lti/login/"
    assert first["launch_url"] == "http://testserver/ve-edu-vault/lti/launch/"
    assert first["deep_linking_url"] == "http://testserver/ve-edu-vault/lti/deep-linking/"
    assert first["jwks_url"] == "http://testserver/ve-edu-vault/lti/jwks/"
    second = add_platform("--deployment-id", "d-2")
    assert second["status"] == "updated" and second["public_key_id"] == first["public_key_id"]
    assert second["deployment_ids"] == ["d-1", "d-2"]
    assert LtiPlatform.objects.count() == 1 and LtiDeployment.objects.count() == 2 and LtiToolKey.objects.count() == 1
    keys = client.get("/ve-edu-vault/lti/jwks/").json()["keys"]
    assert [key["kid"] for key in keys] == [first["public_key_id"]]
    assert "d" not in keys[0] and keys[0]["alg"] == "RS256"  # public half only
    private_pem = LtiToolKey.objects.get().private_key_pem
    assert private_pem.splitlines()[1][:20] not in caplog.text  # secrets never in the audit log
    assert "platform_added" in caplog.text and "platform_updated" in caplog.text


def test_add_platform_refuses_bad_urls() -> None:
    bad = [*ARGS]
    bad[bad.index("--jwks-url") + 1] = "ftp://nowhere"
    with pytest.raises(CommandError, match="jwks_url must be an http"):
        call_command("vault_lti_add_platform", *bad)


def test_link_binds_a_resource_link_without_deep_linking() -> None:
    from tests.assessments.api_builders import make_assessment

    add_platform()
    assessment = make_assessment(block=None)
    out = StringIO()
    call_command(
        "vault_lti_link",
        "--issuer",
        "https://canvas.example",
        "--deployment-id",
        "d-1",
        "--context",
        "c-9",
        "--resource-link",
        "r-9",
        str(assessment.id),
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["assessment_id"] == assessment.id and report["resource_link_id"] == "r-9"
    assert LtiResourceLink.objects.get().assessment_id == assessment.id
    with pytest.raises(CommandError, match="No registered platform"):
        call_command(
            "vault_lti_link",
            "--issuer",
            "https://x",
            "--deployment-id",
            "d-1",
            "--context",
            "c",
            "--resource-link",
            "r",
            str(assessment.id),
        )
    with pytest.raises(CommandError):
        call_command(
            "vault_lti_link",
            "--issuer",
            "https://canvas.example",
            "--deployment-id",
            "d-1",
            "--context",
            "c",
            "--resource-link",
            "r",
            "999999",
        )


def test_key_rotation_keeps_old_keys_in_the_jwks_until_retired(client: Any) -> None:
    first = add_platform()
    new_kid = api.rotate_key(issuer="https://canvas.example", client_id="10000000000001")
    kids = {key["kid"] for key in client.get("/ve-edu-vault/lti/jwks/").json()["keys"]}
    assert kids == {first["public_key_id"], new_kid}
    assert add_platform()["public_key_id"] == new_kid  # the newest signs
    assert api.retire_old_keys(issuer="https://canvas.example", client_id="10000000000001") == 1
    assert [key["kid"] for key in client.get("/ve-edu-vault/lti/jwks/").json()["keys"]] == [new_kid]


def test_config_json_for_a_platform_admin(client: Any) -> None:
    config = client.get("/ve-edu-vault/lti/config/").json()
    assert config["oidc_login_url"].endswith("/lti/login/") and config["redirect_uris"] == [config["launch_url"]]
    assert {message["type"] for message in config["messages"]} == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}


def test_the_endpoints_are_off_unless_enabled(client: Any, settings: Any) -> None:
    settings.VE_EDU_VAULT_LTI_ENABLED = False
    for path in ("/ve-edu-vault/lti/jwks/", "/ve-edu-vault/lti/config/", "/ve-edu-vault/lti/login/"):
        assert client.get(path).status_code == 404


def test_staff_changes_are_in_the_audit_log() -> None:
    from tests.assessments.api_builders import make_assessment
    from ve_edu_vault.audit import api as audit

    add_platform()
    api.rotate_key(issuer="https://canvas.example", client_id="10000000000001", actor="admin-user")
    api.retire_old_keys(issuer="https://canvas.example", client_id="10000000000001")
    assessment = make_assessment(block=None)
    api.link_resource(
        issuer="https://canvas.example",
        deployment_id="d-1",
        context_id="c",
        resource_link_id="r",
        assessment_id=assessment.id,
        actor="vault_lti_link",
    )
    saved = audit.list_entries(action=audit.LTI_PLATFORM_SAVED)
    assert len(saved) == 1 and saved[0].details["issuer"] == "https://canvas.example" and saved[0].details["created"]
    keys = audit.list_entries(action=audit.LTI_KEYS_CHANGED)
    assert len(keys) == 2 and {entry.details["by"] for entry in keys} == {"admin-user", ""}
    bound = audit.list_entries(action=audit.LTI_LINK_BOUND)
    assert len(bound) == 1 and bound[0].course_key == assessment.course_key
    assert bound[0].details["assessment_id"] == assessment.id
