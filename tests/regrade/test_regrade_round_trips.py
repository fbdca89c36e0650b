"""
The round trips of a regrade batch do not grow with its attempts (bench/bench_regrade.py, bench/README.rst).

Whether an attempt's new total queues a grade report is the assessment's property (graded and bound to a block,
or wanted by a score sink: the LTI tool asks the cache, then the database); a batch asks it once per assessment.
Asked once per attempt, a batch of 10,000 responses made ~6,700 cache round trips and doubled the batch's time.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault import caching
from ve_edu_vault.assessments import score_sinks
from ve_edu_vault.regrade import api
from ve_edu_vault.regrade.models import RegradeRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]

ANSWERS = ["a", "b"] * 4  # eight learners, one graded attempt each: every capital answer flips


def test_one_batch_asks_the_score_sinks_and_the_cache_once_per_assessment_not_per_attempt(make_user: Any) -> None:
    # Not bound to a block, so whether its grades are reported is the score sinks' answer (LTI links).
    assessment, _students, views = scenario(make_user, ANSWERS, block=None)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = api.plan(question_id, batch_size=len(ANSWERS))
    reads = mock.patch.object(caching, "get", wraps=caching.get)
    asks = mock.patch.object(score_sinks, "wanted", wraps=score_sinks.wanted)
    with reads as cache_get, asks as wanted:
        done = api.run_batches(planned.id, follow_up=False)
    assert done.status == RegradeRun.SUCCEEDED and done.done == len(views) and done.changed == len(views)
    assert wanted.call_count == 1, f"the score sinks were asked {wanted.call_count} times for one assessment"
    assert cache_get.call_count <= 1, f"{cache_get.call_count} cache reads for {len(views)} attempts"


def test_the_grade_hand_off_after_the_run_asks_the_score_sinks_once_per_assessment(make_user: Any) -> None:
    assessment, _students, views = scenario(make_user, ANSWERS, block=None)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = api.plan(question_id, batch_size=len(ANSWERS))
    with mock.patch.object(score_sinks, "wanted", wraps=score_sinks.wanted) as wanted:
        done = api.run_batches(planned.id)  # the batch, then the follow-up: grades handed off, mastery replayed
    assert done.status == RegradeRun.SUCCEEDED and done.done == len(views)
    assert wanted.call_count == 2, f"the score sinks were asked {wanted.call_count} times: batch and hand-off, once"
