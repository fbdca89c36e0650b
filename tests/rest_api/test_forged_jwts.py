"""
Forged Open edX JWTs are refused by both hosts (issue 18, item 1).

Before the fix the hosts had no ``JWT_PUBLIC_SIGNING_JWK_SET`` and edx-drf-extensions 10.9.0's
``_verify_jwt_signature`` took an empty asymmetric key set as verified: every token below
authenticated as the user it named, and ``administrator: true`` created or promoted global staff.
Each case is refused with a 401 and creates or promotes no user; a token the LMS would sign (with
the host's private key) still works, so the refusals are not an authentication that is simply off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import get_user_model
from jwt.api_jwk import PyJWK
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from hosts.standalone_platform import backend as standalone
from tests.jwt_tokens import b64, claims_for, lms_jwt, private_jwk, segments, sign_hmac

pytestmark = pytest.mark.django_db
both_hosts = pytest.mark.both_hosts

COURSE = CourseKey.from_string("course-v1:Vault+Forged+2026")
ACCESS = f"/api/ve-edu-vault/v1/courses/{COURSE}/access/"
REFUSED = {"authentication_failed", "not_authenticated"}
# The symmetric secret the hosts shipped in hosts/base.py before the fix: anyone could read it.
OLD_COMMITTED_SECRET = b"host-jwt-secret-key-for-development-only-0123"


def _kid() -> str:
    private = settings.JWT_AUTH.get("JWT_PRIVATE_SIGNING_JWK")
    return str(json.loads(private)["kid"]) if private else "openedx"


def _rsa_header(alg: str = "RS512") -> dict[str, Any]:
    return {"alg": alg, "typ": "JWT", "kid": _kid()}


def alg_none(claims: dict[str, Any]) -> str:
    return f"{segments({'alg': 'none', 'typ': 'JWT'}, claims)}."


def alg_none_with_a_signature(claims: dict[str, Any]) -> str:
    return f"{segments({'alg': 'none', 'typ': 'JWT'}, claims)}.{b64(b'x' * 32)}"


def another_rsa_key(claims: dict[str, Any]) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS512", headers={"kid": _kid()})


def hs512_with_the_public_key_pem(claims: dict[str, Any]) -> str:
    public = private_jwk().key.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return sign_hmac({"alg": "HS512", "typ": "JWT"}, claims, pem)


def hs512_with_the_public_key_set(claims: dict[str, Any]) -> str:
    public_set = settings.JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"].encode()
    return sign_hmac({"alg": "HS512", "typ": "JWT"}, claims, public_set)


def hs512_with_some_secret(claims: dict[str, Any]) -> str:
    return sign_hmac({"alg": "HS512", "typ": "JWT"}, claims, b"some-secret")


def hs256_with_the_old_committed_secret(claims: dict[str, Any]) -> str:
    return sign_hmac({"alg": "HS256", "typ": "JWT"}, claims, OLD_COMMITTED_SECRET)


def hs512_with_the_hosts_own_secret(claims: dict[str, Any]) -> str:
    # The symmetric secret verifies HS256 only (as in the LMS); HS512 over it is not a valid token.
    return sign_hmac({"alg": "HS512", "typ": "JWT"}, claims, settings.JWT_AUTH["JWT_SECRET_KEY"].encode())


def empty_signature(claims: dict[str, Any]) -> str:
    return f"{segments(_rsa_header(), claims)}."


def well_formed_bogus_signature(claims: dict[str, Any]) -> str:
    return f"{segments(_rsa_header(), claims)}.{b64(bytes(range(256)))}"


def signature_of_another_token(claims: dict[str, Any]) -> str:
    """A genuine signature (of a token for someone else) pasted under forged claims."""
    genuine = lms_jwt(None, preferred_username="someone_else")
    return f"{segments(_rsa_header(), claims)}.{genuine.split('.')[2]}"


FORGERIES: dict[str, Callable[[dict[str, Any]], str]] = {
    f.__name__: f
    for f in (
        alg_none,
        alg_none_with_a_signature,
        another_rsa_key,
        hs512_with_the_public_key_pem,
        hs512_with_the_public_key_set,
        hs512_with_some_secret,
        hs256_with_the_old_committed_secret,
        hs512_with_the_hosts_own_secret,
        empty_signature,
        well_formed_bogus_signature,
        signature_of_another_token,
    )
}


def header_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    return client


def cookie_client(token: str) -> APIClient:
    """The two cookies the LMS sets for the MFEs (header.payload and signature), reassembled by middleware."""
    header, payload, signature = token.split(".")
    client = APIClient()
    client.cookies[settings.JWT_AUTH["JWT_AUTH_COOKIE_HEADER_PAYLOAD"]] = f"{header}.{payload}"
    client.cookies[settings.JWT_AUTH["JWT_AUTH_COOKIE_SIGNATURE"]] = signature or b64(b"forged")
    return client


def assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["error_code"] in REFUSED


@both_hosts
def test_a_token_the_lms_signs_is_accepted(make_user: Any) -> None:
    learner = make_user("signed_learner")
    standalone.enroll(learner, COURSE)
    for client in (header_client(lms_jwt(learner)), cookie_client(lms_jwt(learner))):
        response = client.get(ACCESS)
        assert response.status_code == 200, response.content
        assert response.json()["username"] == "signed_learner" and response.json()["enrolled"] is True


@both_hosts
@pytest.mark.parametrize("transport", [header_client, cookie_client], ids=["header", "cookie_pair"])
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_admin_token_for_a_new_user_is_refused_and_creates_no_one(
    forge: Callable[[dict[str, Any]], str], transport: Callable[[str], APIClient]
) -> None:
    claims = claims_for(None, preferred_username="intruder", email="intruder@example.com", administrator=True)
    assert_refused(transport(forge(claims)).get(ACCESS))
    assert not get_user_model().objects.filter(username="intruder").exists()


@both_hosts
@pytest.mark.parametrize("transport", [header_client, cookie_client], ids=["header", "cookie_pair"])
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_admin_token_naming_a_learner_is_refused_and_promotes_no_one(
    forge: Callable[[dict[str, Any]], str], transport: Callable[[str], APIClient], make_user: Any
) -> None:
    learner = make_user("victim")
    claims = claims_for(learner, administrator=True, email="attacker@example.com")
    assert_refused(transport(forge(claims)).get(ACCESS))
    learner.refresh_from_db()
    assert (learner.is_staff, learner.email) == (False, "victim@example.com")


@both_hosts
def test_a_forged_full_jwt_cookie_is_refused(make_user: Any) -> None:
    learner = make_user("cookie_victim")
    client = APIClient()
    client.cookies[settings.JWT_AUTH["JWT_AUTH_COOKIE"]] = alg_none(claims_for(learner, administrator=True))
    assert_refused(client.get(ACCESS))
    learner.refresh_from_db()
    assert learner.is_staff is False


@both_hosts
def test_an_expired_or_foreign_token_signed_with_the_right_key_is_refused(make_user: Any) -> None:
    learner = make_user("expired_learner")
    assert_refused(header_client(lms_jwt(learner, exp=1_000_000, iat=999_000)).get(ACCESS))
    assert_refused(header_client(lms_jwt(learner, iss="https://elsewhere.example.com/oauth2")).get(ACCESS))
    assert_refused(header_client(lms_jwt(learner, aud="another-audience")).get(ACCESS))


@both_hosts
def test_the_public_key_set_verifies_what_the_private_key_signs() -> None:
    """The hosts' key pair is one pair: the published set holds the private key's public half, nothing private."""
    public_set = json.loads(settings.JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"])
    assert [key["kid"] for key in public_set["keys"]] == [_kid()]
    assert all(set(key) <= {"kid", "kty", "e", "n", "use", "alg"} for key in public_set["keys"])
    public = PyJWK(public_set["keys"][0]).key
    token = lms_jwt(None)
    assert jwt.decode(token, public, algorithms=["RS512"], audience=settings.JWT_AUTH["JWT_AUDIENCE"])


@pytest.mark.cms
def test_a_forged_admin_token_reads_no_answer_key_in_studio(make_user: Any) -> None:
    author = make_user("author")
    standalone.grant_course_role(author, COURSE)
    questions = f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/"
    assert header_client(lms_jwt(author)).get(questions).status_code == 200  # the endpoint answers a real token
    for forge in FORGERIES.values():
        for transport in (header_client, cookie_client):
            token = forge(claims_for(None, preferred_username="intruder", administrator=True))
            assert_refused(transport(token).get(questions))
    assert not get_user_model().objects.filter(username="intruder").exists()


def _without_public_keys() -> dict[str, Any]:
    return {name: value for name, value in settings.JWT_AUTH.items() if name != "JWT_PUBLIC_SIGNING_JWK_SET"}


@both_hosts
def test_without_a_public_key_set_the_vaults_views_refuse_every_jwt(make_user: Any, settings: Any) -> None:
    """The second line (for processes that run no system check): no key set, no JWT accepted, even a real one."""
    learner = make_user("learner_without_keys")
    genuine = lms_jwt(learner)
    settings.JWT_AUTH = _without_public_keys()
    for client in (header_client(genuine), header_client(alg_none(claims_for(learner, administrator=True)))):
        assert_refused(client.get(ACCESS))
    assert_refused(cookie_client(alg_none(claims_for(learner, administrator=True))).get(ACCESS))
    session = APIClient()
    session.force_login(learner)
    assert session.get(ACCESS).status_code == 200  # session authentication is unaffected
    learner.refresh_from_db()
    assert learner.is_staff is False


@both_hosts
def test_the_upstream_defect_is_still_there(make_user: Any, settings: Any) -> None:
    """
    edx-drf-extensions' own JwtAuthentication still takes an empty key set as a verified signature.

    When this fails, upstream has fixed ``decoder._verify_jwt_signature``: revisit ADR 0006 (the
    vault's authentication class and system check may then be simplified).
    """
    from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    settings.JWT_AUTH = _without_public_keys()
    learner = make_user("pinned")
    token = alg_none(claims_for(learner))
    request = Request(APIRequestFactory().get(ACCESS, HTTP_AUTHORIZATION=f"JWT {token}"))
    user, _token = JwtAuthentication().authenticate(request)
    assert user == learner
