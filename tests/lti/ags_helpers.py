"""Helpers of the AGS tests: the platform trusts the tool's key; a launched learner; a submitted attempt."""

from __future__ import annotations

import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization


def trust_tool_key(platform: Any) -> None:
    """The platform verifies the tool's client assertions with the tool's public key (the tool has no HTTP URL here)."""
    from ve_edu_vault.lti import api

    jwk = api.jwks()["keys"][-1]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()  # type: ignore[union-attr]
    platform.control("tool-key", pem=pem)


def launched_user(sub: str) -> Any:
    from ve_edu_vault.lti.models import LtiUserLink

    return LtiUserLink.objects.get(sub=sub).user


def submit_right_answers(assessment_id: int, user: Any) -> Any:
    from tests.assessments.api_builders import right_answers
    from ve_edu_vault.assessments import api

    view = api.start_attempt(assessment_id, user)
    api.save_answers(view.id, user=user, answers=right_answers(view))
    return api.submit_attempt(view.id, user=user)
