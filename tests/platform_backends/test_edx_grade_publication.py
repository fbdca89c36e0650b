"""
The edx-platform backend's ``publish_grade`` run for real against stand-ins of the upstream modules it imports
(``tests/edx_platform_standins/``: ``xmodule.modulestore.django``, ``lms.djangoapps.courseware.block_render`` and
``model_data``, ``xmodule.services``, the grades app's ``SCORE_PUBLISHED``): a graded attempt of a block-bound
assessment, whether submitted by the learner, by the time-limit sweep or changed by a bulk regrade, produces one
``SCORE_PUBLISHED`` for the right user and block; attempts bound to no scorable block publish nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tests.assessments.api_builders import BLOCK, by_title, learner, make_assessment, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt

pytestmark = [pytest.mark.django_db]
STANDINS = Path(__file__).resolve().parent.parent / "edx_platform_standins"


@pytest.fixture
def edx_platform(settings: Any) -> Iterator[list[dict[str, Any]]]:
    """The edx-platform backend, its imports answered by the stand-ins; yields what SCORE_PUBLISHED received."""
    sys.path.insert(0, str(STANDINS))
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    from lms.djangoapps.grades.api import signals
    from xmodule.modulestore.django import modulestore

    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    signals.SCORE_PUBLISHED.connect(receiver, dispatch_uid="vault-test")
    modulestore().add_block(BLOCK, display_name="Quiz block")
    try:
        with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
            yield received
    finally:
        signals.SCORE_PUBLISHED.disconnect(dispatch_uid="vault-test")
        modulestore().blocks.clear()
        sys.path.remove(str(STANDINS))
        for name in [name for name in sys.modules if name.split(".")[0] in {"lms", "xmodule"}]:
            del sys.modules[name]


def use_edx_platform(settings: Any) -> None:
    """From now on the edx-platform backend answers (after the course was set up through the standalone one)."""
    settings.VE_EDU_VAULT_PLATFORM_BACKEND = "edx_platform"


def drain() -> int:
    from ve_edu_vault.assessments.tasks import report_pending_grades

    return int(report_pending_grades.run())


def take(assessment: Any, student: Any, *, right: bool = True) -> None:
    view = api.start_attempt(assessment.id, student)
    answers = right_answers(view)
    if not right:
        answers[str(by_title(view)["Capital"].response_id)] = {"p0": "b"}
    api.save_answers(view.id, user=student, answers=answers)
    api.submit_attempt(view.id, user=student)


def publications(received: list[dict[str, Any]]) -> list[tuple[int, str, float, float]]:
    return [
        (item["user"].pk, str(item["block"].scope_ids.usage_id), item["raw_earned"], item["raw_possible"])
        for item in received
    ]


def test_graded_attempts_publish_once_for_the_right_user_and_block(
    make_user: Any, edx_platform: list[dict[str, Any]], settings: Any
) -> None:
    from django.utils import timezone

    from tests.regrade.regrade_builders import correct_the_key
    from ve_edu_vault.regrade import api as regrade

    assessment = make_assessment(scoring="latest", attempt_limit=3, time_limit_minutes=30)
    student, other = learner(make_user), learner(make_user, "other")
    use_edx_platform(settings)
    take(assessment, student)
    assert edx_platform == []  # not inside the grading transaction
    assert drain() == 1
    assert publications(edx_platform) == [(student.pk, str(BLOCK), 4.0, 4.0)]
    assert drain() == 0 and len(edx_platform) == 1
    # The time limit ran out on another learner's attempt: the sweep submits it, the outbox publishes it.
    view = api.start_attempt(assessment.id, other)
    answers = {str(item.response_id): None for item in view.questions}
    answers[str(by_title(view)["Capital"].response_id)] = {"p0": "b"}
    api.save_answers(view.id, user=other, answers=answers)
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(minutes=1))
    assert api.sweep_expired_attempts() == 1
    assert drain() == 1
    assert publications(edx_platform)[1:] == [(other.pk, str(BLOCK), 0.0, 4.0)]
    # A bulk regrade: "b" was right after all.
    capital = assessment.config.selection.question_ids[0]
    correct_the_key(capital, "b")
    regrade.run_batches(regrade.plan(capital).id)
    assert drain() == 2
    assert sorted(publications(edx_platform)[2:]) == sorted(
        [(student.pk, str(BLOCK), 3.0, 4.0), (other.pk, str(BLOCK), 1.0, 4.0)]
    )
    assert drain() == 0 and len(edx_platform) == 4
    assert all(item["only_if_higher"] is None for item in edx_platform)


@pytest.mark.parametrize("overrides", [{"block": None}, {"block": None, "node": None}, {"graded": False}])
def test_attempts_bound_to_no_scorable_block_publish_nothing(
    overrides: dict[str, Any], make_user: Any, edx_platform: list[dict[str, Any]], settings: Any
) -> None:
    assessment = make_assessment(**overrides)  # on a sequential (the mirror node) but in no vault block
    use_edx_platform(settings)
    take(assessment, learner(make_user))
    assert drain() == 0
    assert edx_platform == []
    assert not Attempt.objects.filter(report_due_at__isnull=False).exists()


def test_a_learner_who_may_not_load_the_block_stays_queued_with_the_error(
    make_user: Any, edx_platform: list[dict[str, Any]], settings: Any
) -> None:
    from lms.djangoapps.courseware import block_render

    assessment = make_assessment()
    use_edx_platform(settings)
    student = learner(make_user)
    block_render.DENIED.add((student.pk, BLOCK))
    try:
        take(assessment, student)
        assert drain() == 0
    finally:
        block_render.DENIED.clear()
    [waiting] = Attempt.objects.filter(report_due_at__isnull=False)
    assert waiting.report_tries == 1 and "may not load" in waiting.report_error
    assert api.grade_report_status(assessment.id).failing == 1
    assert edx_platform == []
    # Access restored: the next try (due after the backoff) publishes it.
    assert drain() == 0  # not due yet
    from ve_edu_vault.assessments import grades

    assert grades.report_pending_grades(now=waiting.report_due_at) == (1, 0)
    assert publications(edx_platform) == [(student.pk, str(BLOCK), 4.0, 4.0)]
