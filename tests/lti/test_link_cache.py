"""
Whether an assessment has resource links (the AGS score sink's ``wants``, asked by every grading) is cached, so a
submission reads no LTI table; binding, rebinding and removing a link, and deactivating, reactivating or removing a
platform change the answer at once (``lti/store.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from ags_helpers import submit_right_answers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lti_harness import DEPLOYMENT_ID, ISSUER

from tests.assessments.api_builders import learner, make_assessment
from ve_edu_vault.assessments.models import Attempt
from ve_edu_vault.lti import api, store
from ve_edu_vault.lti.handlers import SINK
from ve_edu_vault.lti.models import LtiDeployment, LtiPlatform, LtiResourceLink

pytestmark = pytest.mark.django_db


def lti_statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "ve_edu_vault_lti" in query["sql"]]


def link(assessment_id: int, resource_link_id: str = "rl-cache") -> Any:
    return api.link_resource(
        issuer=ISSUER,
        deployment_id=DEPLOYMENT_ID,
        context_id="ctx-cache",
        resource_link_id=resource_link_id,
        assessment_id=assessment_id,
    )


def test_a_submission_reads_no_lti_table_once_the_answer_is_cached(
    make_user: Any, platform: Any, django_capture_on_commit_callbacks: Any
) -> None:
    platform.register()
    unbound, bound = make_assessment(block=None), make_assessment(block=None)
    link(bound.id)
    for assessment, reports in ((unbound, False), (bound, True)):
        submit_right_answers(assessment.id, learner(make_user, f"first{assessment.id}"))  # fills the cache
        student = learner(make_user, f"second{assessment.id}")
        with CaptureQueriesContext(connection) as captured:
            result = submit_right_answers(assessment.id, student)
        assert lti_statements(captured) == []  # was one EXISTS over links, deployments and platforms per grading
        assert (Attempt.objects.get(pk=result.attempt_id).report_due_at is not None) is reports


def test_binding_rebinding_and_removing_a_link_change_the_answer_at_once(
    platform: Any, django_capture_on_commit_callbacks: Any
) -> None:
    platform.register()
    first, second = make_assessment(block=None), make_assessment(block=None)
    assert SINK.wants(first.id) is False and SINK.wants(second.id) is False  # cached
    with django_capture_on_commit_callbacks(execute=True):
        link(first.id)
    assert SINK.wants(first.id) is True and SINK.wants(second.id) is False
    with django_capture_on_commit_callbacks(execute=True):
        link(second.id)  # the same resource link, bound to another assessment
    assert SINK.wants(first.id) is False and SINK.wants(second.id) is True
    with django_capture_on_commit_callbacks(execute=True):
        LtiResourceLink.objects.get(resource_link_id="rl-cache").delete()  # as the admin removes it
    assert SINK.wants(second.id) is False


def test_deactivating_reactivating_and_removing_a_platform_change_the_answer_at_once(
    platform: Any, django_capture_on_commit_callbacks: Any
) -> None:
    platform.register()
    assessment = make_assessment(block=None)
    with django_capture_on_commit_callbacks(execute=True):
        link(assessment.id)
    assert SINK.wants(assessment.id) is True
    row = LtiPlatform.objects.get(issuer=ISSUER)
    row.active = False
    with django_capture_on_commit_callbacks(execute=True):
        row.save()  # as the admin's change form saves it
    assert SINK.wants(assessment.id) is False
    with django_capture_on_commit_callbacks(execute=True):
        platform.register()  # registering it again makes it active
    assert SINK.wants(assessment.id) is True
    with django_capture_on_commit_callbacks(execute=True):
        LtiDeployment.objects.filter(platform=row).delete()  # its links go with it
    assert SINK.wants(assessment.id) is False


def test_a_read_that_began_before_a_change_committed_caches_nothing(
    platform: Any, django_capture_on_commit_callbacks: Any
) -> None:
    platform.register()
    assessment = make_assessment(block=None)
    with django_capture_on_commit_callbacks(execute=True):
        link(assessment.id)
    # The mark set at commit refuses the add of a read that saw the database before the change.
    assert store.caching.add(store._HAS_LINKS.format(assessment_id=assessment.id), False, timeout=60) is False
    assert SINK.wants(assessment.id) is True
