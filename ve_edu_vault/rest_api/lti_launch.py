"""
The LTI launch token: how the learner page inside the platform's iframe calls the REST API without cookies.

TLDR: browsers block or partition third-party cookies, so the session and CSRF cookies of a page framed by
another site may never arrive. The launch response renders the learner page with a short-lived token
(Django signing, salted, timestamped) bound to the launch: its id, the user and the assessment's course.
``take.js`` sends it as ``Authorization: VaultLTI <token>``; ``LtiLaunchAuthentication`` (here) accepts it
and ``permissions`` refuse any course but the launch's. Studio's authoring views (``accepts_lti_launch = False``)
refuse it: an LTI instructor's launch never reaches authoring, even where the LMS and Studio share a secret key.
It lives with the REST layer (every other vault view accepts it); ``lti.api`` issues it. A header is not sent
by the browser on its own, so no CSRF token is needed. docs/decisions/0020-lti-tool.rst.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from ve_edu_vault import conf

__all__ = ["LaunchGrant", "LtiLaunchAuthentication", "issue", "read"]

_SALT = "ve_edu_vault.lti.launch-token"
SCHEME = "VaultLTI"


@dataclass(frozen=True, kw_only=True, slots=True)
class LaunchGrant:
    launch_id: str
    user_id: int
    course_key: str
    assessment_id: int
    staff: bool


def max_age_seconds() -> int:
    return int(conf.get("VE_EDU_VAULT_LTI_LAUNCH_TOKEN_SECONDS"))


def issue(grant: LaunchGrant) -> str:
    payload = {
        "l": grant.launch_id,
        "u": grant.user_id,
        "c": grant.course_key,
        "a": grant.assessment_id,
        "s": int(grant.staff),
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def read(token: str) -> LaunchGrant | None:
    """The grant of a valid, unexpired token, or None."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age_seconds())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    try:
        return LaunchGrant(
            launch_id=str(payload["l"]),
            user_id=int(payload["u"]),
            course_key=str(payload["c"]),
            assessment_id=int(payload["a"]),
            staff=bool(payload["s"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


class LtiLaunchAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, LaunchGrant] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != SCHEME:
            return None
        if len(header) != 2:
            raise AuthenticationFailed("The LTI launch token header is malformed.")
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None and not getattr(view, "accepts_lti_launch", True):
            raise AuthenticationFailed(
                "An LTI launch opens the assessment's pages; it gives no access to Studio's API."
            )
        grant = read(header[1].decode(errors="replace"))
        if grant is None:
            raise AuthenticationFailed("The LTI launch has expired; launch the assessment again from your course.")
        user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
        if user is None:
            raise AuthenticationFailed("The LTI launch's account is not active.")
        return user, grant

    def authenticate_header(self, request: Request) -> str:
        return SCHEME
