"""Studio's authoring page says whether an assessment counts in the course grade (bound to a component) or not."""

from __future__ import annotations

from typing import Any

import pytest
from api_builders import BLOCK, COURSE, make_assessment
from django.test import Client

from hosts.standalone_platform.backend import grant_course_role

pytestmark = [pytest.mark.cms, pytest.mark.django_db]


def page(user: Any, assessment_id: int) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/ve-edu-vault/courses/{COURSE}/assessments/{assessment_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_bound_and_unbound(make_user: Any) -> None:
    author = make_user("author")
    grant_course_role(author, COURSE)
    bound = make_assessment()
    text = page(author, bound.id)
    assert str(BLOCK) in text and "count in Progress" in text
    from ve_edu_vault.assessments import api

    api.bind_block(BLOCK, assessment_id=None)
    text = page(author, bound.id)
    assert "count in the vault only" in text and str(BLOCK) not in text
