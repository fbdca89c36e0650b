"""
Learner retirement through the platform's signals: mastery and accommodations removed, queued grade
reports dropped, attempts and responses kept for item statistics, one audit record; other learners
untouched. Run with the hosts' stand-in signals and with the edx-platform backend's (stand-ins of
openedx/core/djangoapps/user_api/accounts/signals.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assessments"))

from api_builders import learner, make_assessment, right_answers

from hosts.standalone_platform import backend as standalone
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.models import Accommodation, Attempt, Response
from ve_edu_vault.mastery.models import MasteryEvent, MasteryState
from ve_edu_vault.retirement import api as retirement

pytestmark = [pytest.mark.django_db]


def graded_learner(make_user: Any, assessment: Any, name: str) -> Any:
    user = learner(make_user, name)
    assessments.set_accommodation(assessment.id, user=user, accommodation={"extra_minutes": 10})
    view = assessments.start_attempt(assessment.id, user)
    assessments.save_answers(view.id, user=user, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=user)
    # A grade report still queued (the LMS was down), as the grading transaction leaves it.
    Attempt.objects.filter(user_id=user.pk).update(report_due_at="2026-11-05T10:00:00Z", report_tries=3)
    return user


def snapshot(user: Any) -> dict[str, int]:
    return {
        "attempts": Attempt.objects.filter(user_id=user.pk).count(),
        "responses": Response.objects.filter(attempt__user_id=user.pk).count(),
        "graded_responses": Response.objects.filter(attempt__user_id=user.pk, score__isnull=False).count(),
        "mastery_states": MasteryState.objects.filter(user_id=user.pk).count(),
        "mastery_events": MasteryEvent.objects.filter(user_id=user.pk).count(),
        "accommodations": Accommodation.objects.filter(user_id=user.pk).count(),
        "queued_reports": Attempt.objects.filter(user_id=user.pk, report_due_at__isnull=False).count(),
    }


def test_retirement_keeps_statistics_and_removes_the_learners_profile(make_user: Any) -> None:
    assessment = make_assessment(title="Retire")
    retired, other = graded_learner(make_user, assessment, "retiring"), graded_learner(make_user, assessment, "staying")
    before, other_before = snapshot(retired), snapshot(other)
    assert before["mastery_states"] and before["mastery_events"] and before["accommodations"]
    assert before["queued_reports"] == 1 and before["graded_responses"] == before["responses"] == 3

    # The platform's pipeline: retire_misc (USER_RETIRE_LMS_MISC), then retire (USER_RETIRE_LMS_CRITICAL).
    standalone.retire_user(retired, retired_username="retired__user_abc", retired_email="retired__abc@retired.invalid")

    after = snapshot(retired)
    assert after == {
        "attempts": before["attempts"],
        "responses": before["responses"],
        "graded_responses": before["graded_responses"],
        "mastery_states": 0,
        "mastery_events": 0,
        "accommodations": 0,
        "queued_reports": 0,
    }
    assert snapshot(other) == other_before
    record = retirement.get_retirement(retired.pk)
    assert record is not None and record.signals == ("USER_RETIRE_LMS_MISC", "USER_RETIRE_LMS_CRITICAL")
    assert record.counts == {
        "mastery_states_removed": before["mastery_states"],
        "mastery_events_removed": before["mastery_events"],
        "accommodations_removed": 1,
        "grade_reports_dropped": 1,
        "attempts_kept": before["attempts"],
    }
    assert retirement.get_retirement(other.pk) is None
    # Item statistics still see every graded response of the assessment.
    assert Response.objects.filter(attempt__assessment_id=assessment.id, score__isnull=False).count() == 6


def test_a_retirement_without_vault_data_is_recorded_too(make_user: Any) -> None:
    nobody = make_user("never-took-anything")
    standalone.retire_user(nobody)
    record = retirement.get_retirement(nobody.pk)
    assert record is not None and record.counts["attempts_kept"] == 0


def test_the_platforms_retirement_signals_reach_the_vault(edx_platform: Any, make_user: Any) -> None:
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC

    from ve_edu_vault.retirement import receivers

    receivers.connect_platform_receivers()  # as AppConfig.ready() does with the edx-platform backend
    user = make_user("edx-retiring")
    # As AccountRetirementView.post sends it (openedx/core/djangoapps/user_api/accounts/views.py).
    USER_RETIRE_LMS_CRITICAL.send(
        sender=type("AccountRetirementView", (), {}),
        user=user,
        retired_username="retired__user_x",
        retired_email="retired__x@retired.invalid",
    )
    USER_RETIRE_LMS_MISC.send(sender=type("LMSAccountRetirementView", (), {}), user=user)
    record = retirement.get_retirement(user.pk)
    assert record is not None and record.signals == ("USER_RETIRE_LMS_CRITICAL", "USER_RETIRE_LMS_MISC")
