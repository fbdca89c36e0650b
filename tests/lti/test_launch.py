"""
Resource link launches end to end: Open edX's LtiAdvantageConsumer (a separate process, real HTTP) launches the tool.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from lti_harness import ISSUER, launch

from hosts.standalone_platform import backend as standalone
from ve_edu_vault.lti.models import LtiResourceLink, LtiUserLink

pytestmark = pytest.mark.django_db


def page_config(response: Any) -> dict[str, Any]:
    match = re.search(rb'<script id="vault-take-config" type="application/json">(.*?)</script>', response.content)
    assert match, response.content[:800]
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_a_learner_launch_opens_the_assessment_and_its_api_answers_to_the_launch_token(
    client: Any, platform: Any, bound: Any
) -> None:
    response = launch(client, platform, user_id="learner-7", role="student", name="Ada Lovelace", email="a@x.org")
    assert response.status_code == 200, response.content[:800]
    assert response.get("X-Frame-Options") is None  # framed by the platform
    assert b"Quiz" in response.content
    config = page_config(response)
    assert config["assessmentId"] == bound.id
    assert config["authorization"].startswith("VaultLTI ")
    link = LtiUserLink.objects.get(issuer=ISSUER, sub="learner-7")
    assert link.user.username.startswith("lti-") and link.user.email == "a@x.org"
    assert standalone.is_enrolled(link.user, bound.course_key)
    assert not standalone.is_course_staff(link.user, bound.course_key)
    # The AGS claim's line item is kept on the binding for the scores.
    assert LtiResourceLink.objects.get(resource_link_id="rl-1").lineitem_url.endswith("/lineitems/li-rl-1")

    # The page's API calls: no cookie, the launch token only (a fresh client has no session).
    from django.test import Client

    api_client = Client()
    auth = {"HTTP_AUTHORIZATION": config["authorization"]}
    root = f"{config['apiRoot']}courses/{config['courseKey']}/assessments/{bound.id}/attempts/"
    started = api_client.post(root, content_type="application/json", **auth)
    assert started.status_code == 201, started.content
    assert api_client.post(root, content_type="application/json").status_code in (401, 403)  # no token: refused
    other = config["apiRoot"] + "courses/course-v1:Other+X+1/assessments/"
    assert api_client.get(other, **auth).status_code == 403  # the token reaches only the launch's course


def test_a_second_launch_reuses_the_linked_account_never_an_email_match(
    client: Any, platform: Any, bound: Any, make_user: Any
) -> None:
    existing = make_user("someone")
    existing.email = "same@x.org"
    existing.save()
    first = launch(client, platform, user_id="u-1", role="student", email="same@x.org")
    second = launch(client, platform, user_id="u-1", role="student", email="same@x.org")
    assert first.status_code == second.status_code == 200
    link = LtiUserLink.objects.get(issuer=ISSUER, sub="u-1")
    assert link.user_id != existing.pk and LtiUserLink.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "staff"),
    [("student", False), ("staff", True), ("instructor", True), ("Community TA", False)],
)
def test_roles_map_to_what_the_vault_lets_them_do(
    client: Any, platform: Any, bound: Any, role: str, staff: bool, caplog: Any
) -> None:
    caplog.set_level("WARNING", logger="ve_edu_vault.lti.audit")
    response = launch(client, platform, user_id=f"user-{role}", role=role)
    assert response.status_code == 200, response.content[:500]
    user = LtiUserLink.objects.get(sub=f"user-{role}").user
    assert standalone.is_course_staff(user, bound.course_key) is staff
    expected = {
        "student": "learner",
        "staff": "instructor",
        "instructor": "administrator",
        "Community TA": "teaching_assistant",
    }
    assert f"role='{expected[role]}'" in caplog.text


def test_an_unbound_resource_link_is_a_clear_page(client: Any, platform: Any, bound: Any) -> None:
    response = launch(client, platform, resource_link_id="rl-unknown")
    assert response.status_code == 404
    assert b"not set up yet" in response.content and b"Traceback" not in response.content


def test_a_platform_key_rotation_refreshes_the_cached_jwks_once(client: Any, platform: Any, bound: Any) -> None:
    assert launch(client, platform).status_code == 200  # the tool now holds the platform's JWKS in its cache
    platform.control("rotate", drop_old=True)  # the platform signs with a kid the cached key set lacks
    fetched_before = platform_log_jwks_fetches(platform)
    assert launch(client, platform).status_code == 200
    assert platform_log_jwks_fetches(platform) == fetched_before + 1
    assert launch(client, platform).status_code == 200  # the refreshed set is cached again
    assert platform_log_jwks_fetches(platform) == fetched_before + 1


def platform_log_jwks_fetches(platform: Any) -> int:
    return int(platform.get("/control/scores")["jwks_fetches"])


def test_retiring_a_learner_removes_their_lti_link(client: Any, platform: Any, bound: Any) -> None:
    from ve_edu_vault.platform import api as platform_api

    assert launch(client, platform, user_id="to-retire").status_code == 200
    user = LtiUserLink.objects.get(sub="to-retire").user
    for signal in platform_api.user_retirement_signals():
        signal.send(sender=None, user=user)
    assert not LtiUserLink.objects.filter(sub="to-retire").exists()
    assert launch(client, platform, user_id="to-retire").status_code == 200
    assert LtiUserLink.objects.get(sub="to-retire").user_id != user.pk  # a new account, never the retired one
