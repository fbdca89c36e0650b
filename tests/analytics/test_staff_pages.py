"""
The staff area and the instructor dashboard (server-rendered): course staff only with a plain 403 for learners,
the figures of the item analysis, sortable questions with their flags, charts with their text equivalents, the
mastery heat map, export links; the course tab's page links staff to the staff area. The pages built on the
scenario run on both attempt backends (``storage``: the dashboard's statistics come from MongoDB's aggregation there).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.builders import add_attempt, assessment_with_questions, learners
from tests.assessments.api_builders import COURSE, learner

pytestmark = pytest.mark.django_db

AREA = f"/ve-edu-vault/courses/{COURSE}/staff/"


@pytest.fixture
def scenario(make_user: Any, storage: str) -> dict[str, Any]:
    created, versions = assessment_with_questions()
    for index, user in enumerate(learners(make_user, 12)):
        right = index < 4
        add_attempt(
            created.id,
            user,
            versions,
            [1.0 if right else 0.0, 0.0 if right else 1.0, 1.0],
            answers=[{"p0": "a" if right else "b"}, {"p0": {"blank_0": "x"}}, {"p0": "1"}],
        )
    staff = make_user("teacher")
    grant_course_role(staff, COURSE)
    return {"assessment": created, "versions": versions, "staff": staff}


def test_the_dashboard_shows_the_statistics_and_flags(scenario: dict[str, Any], client: Any) -> None:
    client.force_login(scenario["staff"])
    aid = scenario["assessment"].id
    response = client.get(f"{AREA}assessments/{aid}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="attempts">12<', page)
    assert '<svg class="vault-chart"' in page and 'role="img"' in page and "<desc" in page
    assert "Attempts by score (text equivalent of the chart)" in page
    assert 'data-flag="negative_discrimination"' in page and 'data-flag="unused_distractor"' in page
    assert "Nobody chose the wrong answer “Marseille”" in page
    assert f"exports/responses/?file_format=csv&amp;assessment={aid}" in page


def test_the_question_table_sorts_by_facility_and_discrimination(scenario: dict[str, Any], client: Any) -> None:
    client.force_login(scenario["staff"])
    url = f"{AREA}assessments/{scenario['assessment'].id}/"
    order = lambda page: re.findall(r'data-question-id="(\d+)"', page)  # noqa: E731
    by_facility = order(client.get(url, {"sort": "facility"}).content.decode())
    # Facility: Capital 4/12, Blank 8/12, Number 12/12.
    assert by_facility == [str(v.question_id) for v in scenario["versions"]]
    by_discrimination = order(client.get(url, {"sort": "discrimination"}).content.decode())
    assert by_discrimination[0] == str(scenario["versions"][0].question_id)  # the negative one first
    assert by_discrimination[-1] == str(scenario["versions"][2].question_id)  # none (no variance) last
    first = client.get(url, {"attempts": "first"}).content.decode()
    assert '<strong aria-current="true">first</strong>' in first


def test_the_staff_area_links_everything_and_shows_the_heat_map(scenario: dict[str, Any], client: Any) -> None:
    client.force_login(scenario["staff"])
    page = client.get(AREA).content.decode()
    assert f"{AREA}assessments/{scenario['assessment'].id}/" in page
    assert f"/ve-edu-vault/courses/{COURSE}/mastery/" in page
    assert "exports/attempts/?file_format=csv" in page
    assert 'class="heat-map"' in page


def test_learners_get_a_plain_staff_only_refusal(scenario: dict[str, Any], make_user: Any, client: Any) -> None:
    client.force_login(learner(make_user, "pupil"))
    for url in (AREA, f"{AREA}assessments/{scenario['assessment'].id}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Staff only" in response.content.decode()
    assert client.get("/ve-edu-vault/courses/not-a-key/staff/").status_code == 400


def test_an_unknown_assessment_is_a_404_page(scenario: dict[str, Any], client: Any) -> None:
    client.force_login(scenario["staff"])
    assert client.get(f"{AREA}assessments/{scenario['assessment'].id + 500}/").status_code == 404


def test_the_course_tab_page_links_staff_to_the_staff_area(
    scenario: dict[str, Any], make_user: Any, client: Any
) -> None:
    client.force_login(scenario["staff"])
    assert AREA in client.get(f"/ve-edu-vault/courses/{COURSE}/assessments/").content.decode()
    client.force_login(learner(make_user, "pupil2"))
    assert AREA not in client.get(f"/ve-edu-vault/courses/{COURSE}/assessments/").content.decode()
