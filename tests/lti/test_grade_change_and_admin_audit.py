"""
A grade staff change by hand reaches the platform's line item through the same outbox as a submission's (AGS, through
lti-consumer-xblock's platform), and the LTI admin's staff actions (retry, hand edits of links) are audited.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ags_helpers import launched_user, submit_right_answers, trust_tool_key
from lti_harness import launch

from hosts.standalone_platform import backend as standalone
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments import grades
from ve_edu_vault.audit import api as audit
from ve_edu_vault.audit.models import AuditEntry
from ve_edu_vault.lti import ags
from ve_edu_vault.lti.models import LtiResourceLink, LtiScore

pytestmark = pytest.mark.django_db


def test_a_changed_grade_is_sent_to_the_line_item(
    client: Any, platform: Any, bound: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="chg-1", role="student").status_code == 200
    result = submit_right_answers(bound.id, launched_user("chg-1"))
    assert grades.report_pending_grades() == (1, 0) and ags.deliver_due() == (1, 0)
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, bound.course_key)
    with django_capture_on_commit_callbacks(execute=False):
        change = assessments.change_attempt_grade(result.attempt_id, earned=1.5, reason="Late penalty", staff=teacher)
    assert change.grade_reported is True
    assert grades.report_pending_grades() == (1, 0)
    assert LtiScore.objects.get(sub="chg-1").score_given == 1.5
    before = len(platform.get("/control/scores")["scores"])
    assert ags.deliver_due() == (1, 0)
    (score,) = platform.get("/control/scores")["scores"][before:]
    assert score["userId"] == "chg-1" and score["scoreGiven"] == 1.5 and score["scoreMaximum"] == 4.0
    assert AuditEntry.objects.get(action=audit.GRADE_CHANGED).details["reason"] == "Late penalty"


def test_admin_retries_and_hand_edits_of_links_are_audited(
    client: Any, platform: Any, bound: Any, admin_client: Any, admin_user: Any
) -> None:
    trust_tool_key(platform)
    assert launch(client, platform, user_id="adm-1").status_code == 200
    submit_right_answers(bound.id, launched_user("adm-1"))
    grades.report_pending_grades()
    row = LtiScore.objects.get(sub="adm-1")
    admin_client.post("/admin/ve_edu_vault/ltiscore/", {"action": "retry_now", "_selected_action": [row.pk]})
    (retry,) = AuditEntry.objects.filter(action=audit.LTI_SCORES_RETRIED)
    assert retry.actor_id == admin_user.pk and retry.details == {"count": 1, "by": admin_user.username}

    link = LtiResourceLink.objects.get(resource_link_id="rl-1")
    page = f"/admin/ve_edu_vault/ltiresourcelink/{link.pk}/change/"
    form = {
        "deployment": link.deployment_id,
        "context_id": link.context_id,
        "resource_link_id": link.resource_link_id,
        "assessment_id": 99,
        "created_by": link.created_by,
        "lineitem_url": link.lineitem_url,
        "lineitems_url": link.lineitems_url,
        "ags_scopes": json.dumps(link.ags_scopes),
        "memberships_url": link.memberships_url,
    }
    assert admin_client.post(page, form).status_code == 302
    (edit,) = AuditEntry.objects.filter(action=audit.ADMIN_CHANGE)
    assert (edit.actor_id, edit.object_type, edit.object_id) == (admin_user.pk, "ltiresourcelink", str(link.pk))
    assert edit.details["verb"] == "changed" and "assessment_id" in edit.details["fields"]
    admin_client.post(f"/admin/ve_edu_vault/ltiresourcelink/{link.pk}/delete/", {"post": "yes"})
    entries = AuditEntry.objects.filter(action=audit.ADMIN_CHANGE).order_by("pk")  # no default order (PostgreSQL)
    assert list(entries.values_list("details__verb", flat=True)) == [
        "changed",
        "deleted",
    ]
