"""
AGS end to end with a real Celery worker on Redis: a timed attempt launched over LTI is auto-submitted at its
deadline by the timer task, its grade goes through the grade-report outbox, and the score arrives at
lti-consumer-xblock's AGS endpoint (the platform server process), with a client-credentials token.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ags_helpers import launched_user, trust_tool_key
from django.utils import timezone
from lti_harness import bind_link, launch

from tests.celery_worker import celery_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_auto_submitted_timed_attempt_scores_on_the_platform(tmp_path: Path, client: Any, platform: Any) -> None:
    from tests.assessments.api_builders import make_assessment, right_answers
    from ve_edu_vault.assessments import api

    platform.register()
    assessment = make_assessment(block=None, time_limit_minutes=1)
    bind_link(assessment.id, resource_link_id="rl-timed")
    trust_tool_key(platform)
    assert launch(client, platform, user_id="timed-1", resource_link_id="rl-timed").status_code == 200
    user = launched_user("timed-1")
    with celery_worker(tmp_path) as worker:
        started = timezone.now() - timedelta(seconds=56)  # the deadline is a few seconds away
        view = api.start_attempt(assessment.id, user, now=started)  # queues the timer task at the deadline
        api.save_answers(view.id, user=user, answers=right_answers(view), now=started + timedelta(seconds=1))

        def arrived() -> list[dict[str, Any]]:
            return [score for score in platform.get("/control/scores")["scores"] if score["userId"] == "timed-1"]

        assert worker.wait_for(lambda: bool(arrived()), timeout=90), worker.log()
    score = arrived()[-1]
    assert score["scoreGiven"] == score["scoreMaximum"] == 4.0
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["_lineitem"].endswith("/lineitems/li-rl-timed")
    log = worker.log()
    assert "auto_submit_attempt" in log and "report_pending_grades" in log and "deliver_lti_scores" in log
