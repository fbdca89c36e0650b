"""
The block with opaque keys, as in the LMS and Studio: its usage key (branch and version stripped), its views in a
course re-run (not configured: a message for staff, nothing for learners), and its scoring methods.
"""

from __future__ import annotations

from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager, Runtime

from hosts.standalone_platform.backend import grant_course_role
from tests.assessments.api_builders import BLOCK, learner, make_assessment
from ve_edu_vault.xblock.block import VaultAssessmentBlock
from ve_edu_vault.xblock.keys import usage_key_of

pytestmark = [pytest.mark.django_db]


class UserServiceOf(UserService):
    """The attributes edx-platform's ``DjangoXBlockUserService`` gives (common/djangoapps/xblock_django)."""

    def __init__(self, user: Any) -> None:
        super().__init__()
        self.user = user

    def get_current_user(self) -> XBlockUser:
        current = XBlockUser(is_current_user=True)
        if self.user is not None:
            current.opt_attrs["edx-platform.user_id"] = self.user.pk
            current.opt_attrs["edx-platform.username"] = self.user.username
        return current


class CourseRuntime(Runtime):
    def __init__(self, user: Any) -> None:
        ids = MemoryIdManager()
        super().__init__(
            id_reader=ids,
            id_generator=ids,
            services={"field-data": KvsFieldData(DictKeyValueStore()), "user": UserServiceOf(user)},
        )
        self.published: list[tuple[str, dict[str, Any]]] = []

    def handler_url(
        self, block: Any, handler_name: str, suffix: str = "", query: str = "", thirdparty: bool = False
    ) -> str:
        return f"/handler/{handler_name}"

    def resource_url(self, resource: str) -> str:
        return f"/resource/{resource}"

    def local_resource_url(self, block: Any, uri: str) -> str:
        return f"/local/{uri}"

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        self.published.append((event_type, event_data))


def block_at(usage_key: Any, user: Any) -> VaultAssessmentBlock:
    runtime = CourseRuntime(user)
    scope_ids = ScopeIds(getattr(user, "pk", None), "ve_vault_assessment", usage_key, usage_key)
    return runtime.construct_xblock_from_class(VaultAssessmentBlock, scope_ids)


def test_usage_keys_lose_branch_and_version() -> None:
    versioned = CourseKey.from_string("course-v1:Vault+Exam101+2026+branch@published-branch+version@" + "a" * 24)
    key = versioned.make_usage_key("ve_vault_assessment", "quiz-block")
    assert usage_key_of(block_at(key, None)) == BLOCK


def test_a_re_run_block_is_not_configured(make_user: Any) -> None:
    make_assessment()
    rerun = CourseKey.from_string("course-v1:Vault+Exam101+2027")
    key = rerun.make_usage_key("ve_vault_assessment", BLOCK.block_id)
    author, student = make_user("author"), make_user("student")
    grant_course_role(author, rerun)
    staff_view = block_at(key, author).student_view().body_html()
    assert "not configured" in staff_view
    learner_view = block_at(key, student).student_view().body_html()
    assert "not configured" not in learner_view and "hidden" in learner_view
    author_view = block_at(key, author).author_view().body_html()
    assert "Not configured" in author_view
    assert block_at(key, student).max_score() == 0.0


def test_scoring_reads_the_vault(make_user: Any) -> None:
    from ve_edu_vault.assessments import api

    assessment = make_assessment(scoring="average", attempt_limit=2)
    student = learner(make_user)
    block = block_at(BLOCK, student)
    assert block.max_score() == pytest.approx(4.0)
    assert not block.has_submitted_answer() and tuple(block.get_score()) == (0.0, 4.0)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers={})
    api.submit_attempt(view.id, user=student)
    assert block.has_submitted_answer() and tuple(block.calculate_score()) == (0.0, 4.0)
    block.rescore(only_if_higher=False)  # the LMS's rescore republishes the vault's grade
    assert block.runtime.published == [("grade", {"value": 0.0, "max_value": 4.0, "only_if_higher": False})]
    block.publish_grade(value=3, max_value=4)
    assert block.runtime.published[-1] == ("grade", {"value": 3.0, "max_value": 4.0})
    # A learner of the course sees the take markup, ids prefixed for this block.
    body = block.student_view().body_html()
    assert 'class="vault-assessments vault-block"' in body and 'id="vb' in body and '-start"' in body
