"""
LTI roles to what the vault lets a launched user do (pure: the roles claim in, an ``LtiRole`` out).

TLDR: pylti1p3's role classes (``pylti1p3.roles``) read the LIS vocabularies (system, institution,
membership); the highest matching role wins: Administrator (system or institution admin, or the
membership Administrator), Instructor, TeachingAssistant, else Learner.
"""

from __future__ import annotations

from typing import Any

from pylti1p3.roles import StaffRole, TeacherRole, TeachingAssistantRole

from .data import ROLES, LtiRole

__all__ = ["role_of"]

_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"


def role_of(claims: dict[str, Any]) -> LtiRole:
    roles = claims.get(ROLES) or []
    if StaffRole(claims).check() or _ADMIN in roles:
        return LtiRole.ADMINISTRATOR
    if TeachingAssistantRole(claims).check():
        return LtiRole.TEACHING_ASSISTANT  # membership/Instructor#TeachingAssistant: before the Instructor test
    if TeacherRole(claims).check():
        return LtiRole.INSTRUCTOR
    return LtiRole.LEARNER
