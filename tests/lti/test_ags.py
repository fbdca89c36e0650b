"""
Assignment and Grade Services: scores from the grade-report outbox to the platform's line item (lti-consumer-xblock's
token endpoint and scope checks), access tokens cached, failures kept with their error and retried.
"""

from __future__ import annotations

from typing import Any

import pytest
from ags_helpers import launched_user, submit_right_answers, trust_tool_key
from django.utils import timezone
from lti_harness import launch

from ve_edu_vault.assessments import grades
from ve_edu_vault.assessments.models import Attempt
from ve_edu_vault.lti import ags, api
from ve_edu_vault.lti.models import LtiScore

pytestmark = pytest.mark.django_db


def scores(platform: Any) -> list[dict[str, Any]]:
    return platform.get("/control/scores")["scores"]  # type: ignore[no-any-return]


def test_a_graded_attempt_reaches_the_line_item_through_the_outbox(client: Any, platform: Any, bound: Any) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="ags-1", role="student").status_code == 200
    before = len(scores(platform))
    result = submit_right_answers(bound.id, launched_user("ags-1"))
    assert Attempt.objects.get(pk=result.attempt_id).report_due_at is not None  # queued by the grading transaction
    assert grades.report_pending_grades() == (1, 0)
    row = LtiScore.objects.get(sub="ags-1")
    assert row.due_at is not None and row.score_given == row.score_maximum == 4.0
    assert ags.deliver_due() == (1, 0)
    arrived = scores(platform)[before:]
    assert len(arrived) == 1
    score = arrived[0]
    assert score["userId"] == "ags-1" and score["scoreGiven"] == 4.0 and score["scoreMaximum"] == 4.0
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"] and score["_lineitem"].endswith("/lineitems/li-rl-1")
    assert score["_content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert LtiScore.objects.get(sub="ags-1").due_at is None and api.score_status(bound.id).delivered == 1


def test_the_access_token_is_reused_until_it_expires(client: Any, platform: Any, bound: Any) -> None:
    trust_tool_key(platform)
    for sub in ("tok-1", "tok-2"):
        assert launch(client, platform, user_id=sub).status_code == 200
        submit_right_answers(bound.id, launched_user(sub))
    grades.report_pending_grades()
    tokens_before = platform.get("/control/scores")["token_requests"]
    assert ags.deliver_due() == (2, 0)
    assert platform.get("/control/scores")["token_requests"] == tokens_before + 1  # one token, two scores


def test_a_failed_delivery_waits_with_its_error_and_staff_can_retry_it(
    client: Any, platform: Any, bound: Any, admin_client: Any
) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="fail-1").status_code == 200
    submit_right_answers(bound.id, launched_user("fail-1"))
    grades.report_pending_grades()
    platform.control("fail-scores", count=1)
    assert ags.deliver_due() == (0, 1)
    row = LtiScore.objects.get(sub="fail-1")
    assert row.tries == 1 and "503" in row.last_error and row.due_at > timezone.now()
    status = api.score_status(bound.id)
    assert status.failing == 1 and "503" in status.last_error
    assert ags.deliver_due() == (0, 0)  # backoff: not due yet
    page = admin_client.get("/admin/ve_edu_vault/ltiscore/?state=failing")
    assert page.status_code == 200 and b"fail-1" in page.content and b"503" in page.content
    response = admin_client.post(
        "/admin/ve_edu_vault/ltiscore/", {"action": "retry_now", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    before = len(scores(platform))
    assert ags.deliver_due() == (1, 0)
    assert [score["userId"] for score in scores(platform)[before:]] == ["fail-1"]


def test_without_a_line_item_the_tool_creates_one_when_the_platform_allows(
    client: Any, platform: Any, bound: Any
) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="noli-1", resource_link_id="rl-1", no_lineitem=True).status_code == 200
    from ve_edu_vault.lti.models import LtiResourceLink

    LtiResourceLink.objects.update(lineitem_url="")  # as a platform that offers only the line items container
    submit_right_answers(bound.id, launched_user("noli-1"))
    grades.report_pending_grades()
    before = len(scores(platform))
    assert ags.deliver_due() == (1, 0)
    link = LtiResourceLink.objects.get()
    assert link.lineitem_url and "/lineitems/li-" in link.lineitem_url
    assert scores(platform)[before:][0]["_lineitem"] == link.lineitem_url
    items = platform.get("/control/scores")["lineitems"]
    assert any(item.get("tag") == f"ve-edu-vault-{link.pk}" for item in items.values())


def test_a_learner_never_launched_over_lti_sends_nothing(platform: Any, bound: Any, make_user: Any) -> None:
    from tests.assessments.api_builders import learner

    submit_right_answers(bound.id, learner(make_user))
    grades.report_pending_grades()
    assert not LtiScore.objects.exists()


def test_a_regrade_sends_the_new_score(client: Any, platform: Any, bound: Any) -> None:
    from tests.regrade.regrade_builders import capital_question_id, correct_the_key
    from ve_edu_vault.regrade import api as regrade

    trust_tool_key(platform)
    assert launch(client, platform, user_id="regrade-1").status_code == 200
    submit_right_answers(bound.id, launched_user("regrade-1"))  # "a" on the capital question: right
    grades.report_pending_grades()  # the drain (after commit, which this test's transaction never reaches)
    assert ags.deliver_due() == (1, 0)
    correct_the_key(capital_question_id(bound))  # now "b" is right: the learner loses a point
    regrade.run_batches(regrade.plan(capital_question_id(bound), batch_size=10).id)
    assert grades.report_pending_grades() == (1, 0)  # the regrade queued the learner's report in its UPDATE
    before = len(scores(platform))
    assert ags.deliver_due() == (1, 0)
    assert [(s["userId"], s["scoreGiven"]) for s in scores(platform)[before:]] == [("regrade-1", 3.0)]


def test_instructors_see_the_platforms_roster_beside_the_results(client: Any, platform: Any, bound: Any) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="nrps-done", name="Done Learner").status_code == 200
    submit_right_answers(bound.id, launched_user("nrps-done"))
    learner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    platform.control(
        "roster",
        members=[
            {"user_id": "nrps-done", "name": "Done Learner", "roles": [learner], "status": "Active"},
            {"user_id": "nrps-never", "name": "Never Launched", "roles": [learner], "status": "Active"},
        ],
    )
    page = launch(client, platform, user_id="nrps-teacher", role="staff")
    assert page.status_code == 200, page.content[:500]
    text = page.content.decode()
    assert "Done Learner</th><td>Learner</td><td>graded</td><td>4 / 4</td>" in text
    assert "Never Launched</th><td>Learner</td><td>not started</td>" in text
    assert "vault-take-config" not in text  # no launch token on the staff page


def test_a_cached_token_the_platform_refuses_is_dropped_and_the_retry_gets_a_new_one(
    client: Any, platform: Any, bound: Any
) -> None:
    """
    Regression (found by bench_lti's second run against a new platform process): a cached access token the platform
    answers 401 to stayed cached until its expiry, so every retry for an hour failed with the same 401.
    """
    from django.core.cache import cache

    trust_tool_key(platform)
    assert launch(client, platform, user_id="stale-1").status_code == 200
    submit_right_answers(bound.id, launched_user("stale-1"))
    grades.report_pending_grades()
    keys: list[str] = []
    original_get = cache.get

    def cached_stale_token(key: str, *args: Any, **kwargs: Any) -> Any:
        if key.startswith(ags._TOKEN_KEY) and not keys:  # a token cached from a platform that forgot it since
            keys.append(key)
            original_set = cache.set
            original_set(key, "a-token-the-platform-no-longer-knows", 3600)
        return original_get(key, *args, **kwargs)

    cache.get = cached_stale_token  # type: ignore[method-assign]
    try:
        assert ags.deliver_due() == (0, 1)
    finally:
        cache.get = original_get  # type: ignore[method-assign]
    row = LtiScore.objects.get(sub="stale-1")
    assert "401" in row.last_error and keys
    assert all(cache.get(key) is None for key in keys)  # the refused token is not kept
    LtiScore.objects.filter(pk=row.pk).update(due_at=timezone.now())
    before = len(scores(platform))
    assert ags.deliver_due() == (1, 0)
    assert [score["userId"] for score in scores(platform)[before:]] == ["stale-1"]
