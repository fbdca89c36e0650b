"""
Redis as the cache is down for a while (its port closed), then back (a Redis server started on that port), with the
LMS host under gunicorn: learners are served (start, autosave, submit; throttling lets requests through rather than
refuse them all), the staff dashboard is computed without its cache, and what cannot work without the cache, the LTI
tool's one-time login state, is refused with a clear 503 naming the reason, never a 500. When Redis is back the LTI
login works again without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import COURSE, KEY_BLANK, KEY_NUMBER, learner, make_assessment
from tests.celery_worker import test_database_url as database_url
from tests.faults.servers import API, free_port, gunicorn_lms, redis_server, server_env
from tests.jwt_tokens import jwt_headers, lms_jwt

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RIGHT = {"Capital": {"p0": "a"}, "Blank": {"p0": {"blank_0": KEY_BLANK.lower()}}, "Number": {"p0": str(KEY_NUMBER)}}
ISSUER = "https://platform.example"


def _api(method: str, url: str, user: Any, body: dict[str, Any] | None = None) -> requests.Response:
    return requests.request(method, url, json=body, headers=jwt_headers(lms_jwt(user)), timeout=60)


def _login(base: str) -> requests.Response:
    query = urlencode(
        {"iss": ISSUER, "client_id": "c1", "login_hint": "u1", "target_link_uri": f"{base}/ve-edu-vault/lti/launch/"}
    )
    return requests.get(f"{base}/ve-edu-vault/lti/login/?{query}", allow_redirects=False, timeout=60)


def test_learners_are_served_and_lti_state_is_refused_clearly_while_the_redis_cache_is_down(
    tmp_path: Path, make_user: Any, settings: Any
) -> None:
    from ve_edu_vault.lti import api as lti

    settings.VE_EDU_VAULT_LTI_ENABLED = True
    assessment = make_assessment()
    student = learner(make_user)
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, COURSE)
    lti.add_platform(
        issuer=ISSUER,
        client_id="c1",
        deployment_ids=["d1"],
        auth_login_url="https://platform.example/auth",
        auth_token_url="https://platform.example/token",
        key_set_url="https://platform.example/jwks",
    )
    port = free_port()
    app_port = free_port()
    base = f"http://127.0.0.1:{app_port}"
    env = server_env(
        database_url(),
        os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        CACHE_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAULT_FAULT_LTI_BASE_URL=base,
    )
    env = {name: value for name, value in env.items() if value is not None}
    log_path = tmp_path / "gunicorn.log"
    with gunicorn_lms(env, log_path, port=app_port):
        assert _api("GET", f"{base}{API}courses/{COURSE}/access/", student).status_code == 200
        started = _api("POST", f"{base}{API}courses/{COURSE}/assessments/{assessment.id}/attempts/", student)
        assert started.status_code in (200, 201), started.text
        view = started.json()
        answers = {str(q["response_id"]): RIGHT[q["question"]["title"]] for q in view["questions"]}
        saved = _api("PUT", f"{base}{API}attempts/{view['id']}/answers/", student, {"answers": answers})
        assert saved.status_code == 200, saved.text
        submitted = _api("POST", f"{base}{API}attempts/{view['id']}/submit/", student)
        assert submitted.status_code == 200 and submitted.json()["score"] == pytest.approx(1.0), submitted.text
        analysis = _api("GET", f"{base}{API}courses/{COURSE}/assessments/{assessment.id}/item-analysis/", teacher)
        assert analysis.status_code == 200, analysis.text

        refused = _login(base)
        assert refused.status_code == 503, refused.text[:2000]
        assert "try again" in refused.text and "Traceback" not in refused.text

        with redis_server(port, tmp_path / "redis.log"):
            back = _login(base)
            assert back.status_code == 302 and back.headers["Location"].startswith("https://platform.example/auth")
    log = log_path.read_text(errors="replace")
    assert "the cache cannot count requests" in log  # throttling said why it let requests through
