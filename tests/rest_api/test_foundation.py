"""The REST foundation: authentication (JWT header, JWT cookies, session), adapter permissions, errors, throttling."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from hosts.standalone_platform import backend as standalone
from tests.jwt_tokens import claims_for, lms_jwt, segments

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:Vault+Rest+2026")
ACCESS = f"/api/ve-edu-vault/v1/courses/{COURSE}/access/"


def test_health_and_schema_are_served() -> None:
    client = APIClient()
    health = client.get("/api/ve-edu-vault/v1/health/")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["platform_backend"] == "standalone"
    schema = client.get("/api/ve-edu-vault/v1/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/ve-edu-vault/v1/courses/{course_key}/access/" in schema.json()["paths"]


def test_anonymous_gets_a_401_body_with_a_stable_code() -> None:
    response = APIClient().get(ACCESS)
    assert response.status_code == 401
    assert response.json()["error_code"] == "not_authenticated"
    assert set(response.json()) >= {"error_code", "message", "field"}


def test_jwt_in_the_authorization_header(make_user: Any) -> None:
    learner = make_user("learner")
    standalone.enroll(learner, COURSE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {lms_jwt(learner)}")
    body = client.get(ACCESS).json()
    assert body == {
        "course_key": str(COURSE),
        "username": "learner",
        "enrolled": True,
        "course_staff": False,
        "global_staff": False,
    }


def test_jwt_split_into_the_open_edx_cookies(make_user: Any, settings: Any) -> None:
    user = make_user("cookie_user")
    header, payload, signature = lms_jwt(user).split(".")
    client = APIClient()
    client.cookies[settings.JWT_AUTH["JWT_AUTH_COOKIE_HEADER_PAYLOAD"]] = f"{header}.{payload}"
    client.cookies[settings.JWT_AUTH["JWT_AUTH_COOKIE_SIGNATURE"]] = signature
    response = client.get(ACCESS)
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "cookie_user"


def test_a_jwt_with_tampered_claims_is_refused(make_user: Any) -> None:
    """Claims changed under a genuine signature (valid base64 throughout: the signature check is what refuses)."""
    user = make_user()
    signature = lms_jwt(user).split(".")[2]
    tampered = segments({"alg": "RS512", "typ": "JWT", "kid": "openedx"}, claims_for(user, administrator=True))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {tampered}.{signature}")
    response = client.get(ACCESS)
    assert response.status_code == 401
    assert response.json()["error_code"] == "authentication_failed"
    user.refresh_from_db()
    assert user.is_staff is False  # More forgeries: tests/rest_api/test_forged_jwts.py


def test_session_login_and_course_roles(make_user: Any) -> None:
    staff = make_user("course_staff")
    standalone.grant_course_role(staff, COURSE)
    client = APIClient()
    client.force_login(staff)
    body = client.get(ACCESS).json()
    assert body["course_staff"] is True and body["enrolled"] is False


def test_a_malformed_course_key_is_a_400_naming_the_field(make_user: Any) -> None:
    client = APIClient()
    client.force_login(make_user())
    response = client.get("/api/ve-edu-vault/v1/courses/not-a-key/access/")
    assert response.status_code == 400
    assert response.json() == {
        "error_code": "invalid",
        "message": "'not-a-key' is not a valid course key.",
        "field": "course_key",
    }


def test_throttling_answers_429_with_retry_after(make_user: Any, settings: Any) -> None:
    cache.clear()
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = {"vault_user": "2/minute", "vault_staff": "100/minute"}
    client = APIClient()
    client.force_login(make_user())
    codes = [client.get(ACCESS).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = client.get(ACCESS)
    assert response.json()["error_code"] == "throttled" and "Retry-After" in response.headers
