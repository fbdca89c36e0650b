"""
Bindings of assessments to vault assessment XBlocks (``assessments.api.bind_block``), their points, and what
survives a course sync, a re-run and an import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from api_builders import BLOCK, COURSE, OBJECTIVE_A, OBJECTIVE_B, SUBTOPIC, learner, make_assessment, outline
from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import AssessmentBlockChange, Attempt
from ve_edu_vault.course_sync.data import ComponentRef
from ve_edu_vault.errors import ConflictError, ValidationError

pytestmark = [pytest.mark.django_db]
OTHER_BLOCK = COURSE.make_usage_key("ve_vault_assessment", "other-block")


def test_one_block_per_assessment_and_one_assessment_per_block(make_user: Any) -> None:
    author = make_user("author")
    first = make_assessment(block=None)
    second = api.create_assessment(COURSE, node_usage_key=None, title="Second", config=first.config)
    bound = api.bind_block(BLOCK, assessment_id=first.id, by=author)
    assert bound is not None and (bound.assessment_id, bound.course_key, bound.bound_by_id) == (
        first.id,
        COURSE,
        author.pk,
    )
    with pytest.raises(ConflictError) as refused:
        api.bind_block(OTHER_BLOCK, assessment_id=first.id)
    assert refused.value.field == "assessment_id" and refused.value.http_status == 409
    api.bind_block(BLOCK, assessment_id=first.id)  # the same binding again: nothing changes, nothing audited
    api.bind_block(BLOCK, assessment_id=second.id, by=author)  # rebinding frees the first assessment
    api.bind_block(OTHER_BLOCK, assessment_id=first.id)
    assert api.bound_blocks(COURSE) == {second.id: BLOCK, first.id: OTHER_BLOCK}
    assert api.bind_block(BLOCK, assessment_id=None, by=author) is None
    assert api.block_binding(BLOCK) is None
    changes = list(
        AssessmentBlockChange.objects.filter(usage_key=BLOCK)
        .order_by("pk")
        .values_list("action", "previous_assessment_id", "assessment_id", "changed_by_id")
    )
    assert changes == [
        ("bound", None, first.id, author.pk),
        ("bound", first.id, second.id, author.pk),
        ("unbound", second.id, None, author.pk),
    ]


def test_bad_bindings_are_refused_with_the_field(make_user: Any) -> None:
    assessment = make_assessment(block=None)
    other_course = CourseKey.from_string("course-v1:Vault+Other+2026")
    with pytest.raises(ValidationError) as wrong_course:
        api.bind_block(other_course.make_usage_key("ve_vault_assessment", "x"), assessment_id=assessment.id)
    assert wrong_course.value.field == "assessment_id"
    with pytest.raises(ValidationError) as missing:
        api.bind_block(BLOCK, assessment_id=987654)
    assert missing.value.field == "assessment_id"
    api.archive_assessment(assessment.id, course_key=COURSE)
    with pytest.raises(ValidationError) as archived:
        api.bind_block(BLOCK, assessment_id=assessment.id)
    assert archived.value.field == "assessment_id"
    library_block = UsageKey.from_string("lb:Org:lib:ve_vault_assessment:x")
    with pytest.raises(ValidationError) as library:
        api.bind_block(library_block, assessment_id=assessment.id)
    assert library.value.field == "usage_key"
    assert api.block_binding(BLOCK) is None and not AssessmentBlockChange.objects.exists()


def test_a_refused_binding_leaves_nothing_half_written(make_user: Any) -> None:
    assessment = make_assessment(block=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        api.bind_block(BLOCK, assessment_id=assessment.id)
        raise RuntimeError("the request failed after binding")
    assert api.block_binding(BLOCK) is None and not AssessmentBlockChange.objects.exists()


def test_points_are_an_attempts_points() -> None:
    assessment = make_assessment()  # 1 + 2 + 1 points
    assert api.assessment_points(assessment.id) == pytest.approx(4.0)
    drawn = api.create_assessment(
        COURSE,
        node_usage_key=None,
        title="Drawn",
        config={"selection": {"mode": "random", "pool_node": str(SUBTOPIC), "count": 1}},
    )
    assert api.assessment_points(drawn.id) in (1.0, 2.0)
    empty = api.create_assessment(
        COURSE,
        node_usage_key=None,
        title="Empty pool",
        config={"selection": {"mode": "random", "pool_node": str(OBJECTIVE_B), "count": 1, "tags": []}},
    )
    assert api.assessment_points(empty.id) in (0.0, 1.0)


def test_the_binding_survives_syncs_that_move_or_remove_the_block(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The block is a component of a mirrored unit; a sync never touches bindings, and grades keep their key."""
    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.course_sync import api as course_sync

    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"
    assessment = make_assessment()
    component = ComponentRef(usage_key=BLOCK, block_type="ve_vault_assessment")

    def publish(version: str, unit: UsageKey | None) -> None:
        base = outline()
        nodes = tuple(replace(node, components=(component,)) if node.usage_key == unit else node for node in base.nodes)
        standalone.publish_outline(replace(base, version=version, nodes=nodes), send_signal=False)
        course_sync.sync_course(COURSE, source="modulestore", trigger="test")

    publish("v2", OBJECTIVE_A)
    publish("v3", OBJECTIVE_B)  # the author moved the component to another unit
    publish("v4", None)  # and then deleted it
    assert api.block_binding(BLOCK).assessment_id == assessment.id
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers={})
    with django_capture_on_commit_callbacks(execute=True):
        api.submit_attempt(view.id, user=student)
    # Inline: published after commit, against the block's own usage key.
    assert standalone.get_grade(student, BLOCK) is not None
    assert not Attempt.objects.filter(report_due_at__isnull=False).exists()


def test_a_re_run_or_import_starts_unbound() -> None:
    make_assessment()
    rerun = CourseKey.from_string("course-v1:Vault+Exam101+2027")
    same_block_in_rerun = rerun.make_usage_key("ve_vault_assessment", BLOCK.block_id)
    assert api.block_binding(BLOCK) is not None
    assert api.block_binding(same_block_in_rerun) is None
