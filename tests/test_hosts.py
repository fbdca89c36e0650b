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


def test_the_demo_broker_keeps_its_files_under_the_data_directory(tmp_path: Any) -> None:
    """Regression: kombu's filesystem transport wrote ./control in whatever directory a host ran from."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": "hosts.lms.settings",
        "VAULT_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("CELERY_BROKER_URL", None)  # the demo's default: the filesystem broker
    publish = (
        "import django; django.setup()\n"
        "from ve_edu_vault.assessments.tasks import report_pending_grades\n"
        "report_pending_grades.apply_async(countdown=1)\n"
    )
    subprocess.run([sys.executable, "-c", publish], cwd=tmp_path, env=env, check=True, timeout=120)
    assert not (tmp_path / "control").exists()
    assert (data / "celery-broker" / "control" / "celery.exchange").exists()
    assert list((data / "celery-broker" / "in").iterdir())  # the message itself
