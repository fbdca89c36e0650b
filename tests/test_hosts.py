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


def test_the_home_page_links_each_page_on_the_host_that_serves_it(make_user: Any, settings: Any) -> None:
    """Learner pages live on the LMS, authoring pages on Studio: a relative link to the other host 404s."""
    import re
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.demo import demo_outline

    standalone.publish_outline(demo_outline(), send_signal=False)
    settings.VAULT_LMS_ROOT, settings.VAULT_CMS_ROOT = "http://lms.test:8000", "http://studio.test:8001"
    page = Client().get("/").content.decode()
    links = re.findall(r'href="(http://[^"]+/ve-edu-vault/[^"]+)"', page)
    assert len(links) == 3
    for link in links:
        url = urlsplit(link)
        urlconf = "hosts.lms.urls" if url.netloc == "lms.test:8000" else "hosts.cms.urls"
        resolve(url.path, urlconf=urlconf)  # the page exists on the host the link names
        if urlconf == "hosts.cms.urls":
            with pytest.raises(Resolver404):  # authoring pages are Studio's: relative on the LMS, a 404
                resolve(url.path, urlconf="hosts.lms.urls")
    assert any("lms.test:8000" in link and link.endswith("/assessments/") for link in links)
    assert any("studio.test:8001" in link and link.endswith("/questions/") for link in links)


def test_the_hosts_serve_a_favicon_so_no_page_logs_a_404() -> None:
    assert Client().get("/favicon.ico").status_code == 204


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
