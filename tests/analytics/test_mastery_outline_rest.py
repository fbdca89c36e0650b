"""
The mastery roll-up over REST (issue 15): outline-shaped (topic > subtopic > objective), course staff only,
with an ETag; and the staff area's links to Studio's sync history and question bank (issue 15). The staff area's
list of enrolled learners who have not started is in ``test_not_started.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.test_mastery_reports import take
from tests.assessments.api_builders import COURSE, OBJECTIVE_A, OBJECTIVE_B, learner, make_assessment
from ve_edu_vault.analytics.views import studio_links

pytestmark = pytest.mark.django_db

URL = f"/api/ve-edu-vault/v1/courses/{COURSE}/mastery-outline/"


@override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 1, "n": 1}})
def test_staff_read_the_roll_up_nested_as_the_outline_with_an_etag(make_user: Any, jwt_client: Any) -> None:
    created = make_assessment(block=None)
    take(created, learner(make_user, "strong"), right=True)
    take(created, learner(make_user, "weak"), right=False)
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    client = jwt_client(teacher)

    answer = client.get(URL)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["course_key"] == str(COURSE)
    [topic] = body["topics"]
    assert (topic["kind"], topic["display_name"], topic["evidence"], topic["mastered"], topic["share"]) == (
        "topic",
        "Unit",
        4,
        2,
        0.5,
    )
    [subtopic] = topic["children"]
    assert (subtopic["kind"], subtopic["display_name"], subtopic["objectives"]) == ("subtopic", "Quiz", 2)
    objectives = {row["usage_key"]: row for row in subtopic["children"]}
    assert set(objectives) == {str(OBJECTIVE_A), str(OBJECTIVE_B)}
    a = objectives[str(OBJECTIVE_A)]
    assert (a["kind"], a["evidence"], a["mastered"], a["policy"]) == (
        "objective",
        2,
        1,
        "Right in k of the last n answers",
    )
    assert "children" not in a

    tag = answer["ETag"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag and again.content == b""
    take(created, learner(make_user, "third"), right=True)
    changed = client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    assert changed.json()["topics"][0]["evidence"] == 6


def test_learners_and_strangers_are_refused(make_user: Any, jwt_client: Any) -> None:
    make_assessment(block=None)
    assert jwt_client(learner(make_user, "someone")).get(URL).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401


def test_the_staff_area_links_to_studio_pages_of_the_course(make_user: Any, client: Any, settings: Any) -> None:
    settings.CMS_ROOT_URL = "https://studio.example.org"
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    client.force_login(teacher)
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/staff/").content.decode()
    history = f"https://studio.example.org/ve-edu-vault/courses/{COURSE}/sync/"
    bank = f"https://studio.example.org/ve-edu-vault/courses/{COURSE}/questions/"
    assert f'id="studio-sync-history" href="{history}"' in page
    assert f'id="studio-question-bank" href="{bank}"' in page


def test_the_studio_url_comes_from_the_vault_setting_then_cms_root_url_then_cms_base(settings: Any) -> None:
    settings.CMS_ROOT_URL = ""
    settings.CMS_BASE = ""
    assert studio_links(COURSE) == {}
    settings.CMS_BASE = "studio.example.net"
    assert studio_links(COURSE)["sync_history"] == f"https://studio.example.net/ve-edu-vault/courses/{COURSE}/sync/"
    settings.CMS_ROOT_URL = "http://studio.local:8001/"
    assert studio_links(COURSE)["question_bank"] == f"http://studio.local:8001/ve-edu-vault/courses/{COURSE}/questions/"
    settings.VE_EDU_VAULT_STUDIO_URL = "https://authoring.example.com"
    assert studio_links(COURSE)["sync_history"].startswith("https://authoring.example.com/ve-edu-vault/")


def test_without_a_studio_url_the_staff_area_says_where_the_pages_are(
    make_user: Any, client: Any, settings: Any
) -> None:
    settings.CMS_ROOT_URL = ""
    settings.CMS_BASE = ""
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    client.force_login(teacher)
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/staff/").content.decode()
    assert "studio-sync-history" not in page and "open this course in Studio" in page


@pytest.mark.cms
def test_the_linked_paths_are_studios_sync_history_and_question_bank_pages(settings: Any) -> None:
    """Run in the Studio host: the staff area's links resolve there to the pages they name."""
    from urllib.parse import urlsplit

    from django.urls import resolve

    settings.VE_EDU_VAULT_STUDIO_URL = "https://studio.example.org"
    links = studio_links(COURSE)
    assert resolve(urlsplit(links["sync_history"]).path).url_name == "course-sync-history"
    assert resolve(urlsplit(links["question_bank"]).path).url_name == "questions-page"
