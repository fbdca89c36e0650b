"""Builders for the vault assessment XBlock in the XBlock SDK workbench (a plain module on the test path)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hosts.standalone_platform.backend import enroll, grant_course_role
from tests.assessments.api_builders import KEY_BLANK, KEY_NUMBER, fib, mc, num
from ve_edu_vault.xblock.keys import WORKBENCH_COURSE

SCENARIO = "ve_vault_assessment.0"  # the block's first workbench scenario
USAGE_ID = "vault-assessment.ve_vault_assessment.d0.u0"  # the workbench's id of the block in it
BLOCK_KEY = WORKBENCH_COURSE.make_usage_key("ve_vault_assessment", USAGE_ID)


def reset_workbench() -> None:
    """Fresh workbench state and scenarios (its ids and state are process-global; the test database is not)."""
    from workbench.runtime_util import reset_global_state

    reset_global_state()


def questions() -> list[int]:
    from ve_edu_vault.questions import api as questions_api

    return [questions_api.create_question(WORKBENCH_COURSE, content=item).id for item in (mc(), fib(), num())]


def staff(make_user: Any, name: str = "wb_staff") -> Any:
    user = make_user(name)
    grant_course_role(user, WORKBENCH_COURSE)
    return user


def learner(make_user: Any, name: str = "wb_learner") -> Any:
    user = make_user(name)
    enroll(user, WORKBENCH_COURSE)
    return user


def scenario_url(user: Any, view: str = "student_view") -> str:
    return f"/workbench/scenario/{SCENARIO}/{view}/?student={user.username}"


def handler_url(user: Any, handler: str = "studio_submit") -> str:
    return f"/workbench/handler/{USAGE_ID}/{handler}/?student={user.username}"


def post_handler(client: Any, user: Any, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(handler_url(user), data=data, content_type="application/json")


def load_block(user: Any) -> Any:
    """The block as the workbench loads it for ``user`` (bound to that student)."""
    from workbench.runtime import WorkbenchRuntime

    return WorkbenchRuntime(user.username).get_block(USAGE_ID)


@contextmanager
def grade_events() -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Every event the workbench runtime publishes, as ``(student, event type, data)``."""
    from workbench.runtime import WorkbenchRuntime

    events: list[tuple[str, str, dict[str, Any]]] = []
    original = WorkbenchRuntime.publish

    def record(runtime: Any, block: Any, event_type: str, data: dict[str, Any]) -> None:
        events.append((str(block.scope_ids.user_id), event_type, dict(data)))
        original(runtime, block, event_type, data)

    with mock.patch.object(WorkbenchRuntime, "publish", record):
        yield events


def right_answers(view: dict[str, Any], *, capital: str = "a") -> dict[str, Any]:
    """The answers of a REST attempt view (JSON): right, but ``capital`` to the capital question."""
    by_title = {item["question"]["title"]: item for item in view["questions"]}
    return {
        str(by_title["Capital"]["response_id"]): {"p0": capital},
        str(by_title["Blank"]["response_id"]): {"p0": {"blank_0": KEY_BLANK.lower()}},
        str(by_title["Number"]["response_id"]): {"p0": str(KEY_NUMBER)},
    }
