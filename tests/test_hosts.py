"""The hosts' sign-in and home pages, which stand in for the LMS's (learners must be able to sign in)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]


def test_a_learner_signs_in_and_sees_the_home_page(make_user: Any) -> None:
    make_user("learner")  # not staff: the admin sign-in would refuse them
    client = Client()
    response = client.post("/login/", {"username": "learner", "password": "pass-1234", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Signed in as <strong>learner</strong>" in home.content.decode()


def test_vault_pages_send_anonymous_users_to_the_sign_in_page() -> None:
    response = Client().get("/ve-edu-vault/courses/course-v1:A+B+C/assessments/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
