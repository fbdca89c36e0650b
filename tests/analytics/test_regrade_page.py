"""The staff area's regrade page: a dry run previewed per learner, then started; learners are refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hosts.standalone_platform.backend import grant_course_role
from tests.assessments.api_builders import COURSE, learner
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.regrade import api as regrade

pytestmark = pytest.mark.django_db

PAGE = f"/ve-edu-vault/courses/{COURSE}/staff/regrades/"


def test_preview_the_dry_run_then_start_it(make_user: Any, client: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b", "b"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)  # "b" is right now: two learners gain, one loses
    staff = make_user("teacher")
    grant_course_role(staff, COURSE)
    client.force_login(staff)
    planned = client.post(PAGE, {"action": "plan", "question_id": str(question_id)})
    assert planned.status_code == 302
    preview = client.get(planned["Location"]).content.decode()
    run_id = int(re.search(r'data-run-id="(\d+)"', preview).group(1))
    assert regrade.get_run(run_id).status == "planned"  # a dry run: nothing changed yet
    assert "3 of 3 responses change" in preview
    assert len(re.findall(r"<td>\d+%</td><td>\d+%</td>", preview)) == 3
    assert "Start this regrade" in preview
    started = client.post(PAGE, {"action": "start", "run_id": str(run_id)})
    assert started.status_code == 302
    assert regrade.get_run(run_id).status in ("queued", "running", "succeeded")
    refused = client.post(PAGE, {"action": "plan", "question_id": "x"})
    assert refused.status_code == 400 and "Enter a question id" in refused.content.decode()


def test_learners_may_not_regrade(make_user: Any, client: Any) -> None:
    client.force_login(learner(make_user, "pupil"))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "plan", "question_id": "1"}).status_code == 403
