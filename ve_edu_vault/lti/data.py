"""Frozen data of the LTI tool: what ``lti.api`` returns and takes (never model rows)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LaunchRefused",
    "LaunchResult",
    "LtiRole",
    "PlatformRegistration",
    "ResourceLinkBinding",
    "ScoreDelivery",
    "ScoreStatus",
    "ToolUrls",
]

#: The claims of an LTI 1.3 message, by their full names (LTI 1.3 core, section 5).
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
VERSION = CLAIM + "version"
DEPLOYMENT_ID = CLAIM + "deployment_id"
TARGET_LINK_URI = CLAIM + "target_link_uri"
RESOURCE_LINK = CLAIM + "resource_link"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"


class LtiRole(enum.Enum):
    """What the vault lets a launched user do, from the LTI roles claim (highest wins)."""

    LEARNER = "learner"  # enrolled; takes the assessment
    TEACHING_ASSISTANT = "teaching_assistant"  # enrolled; sees the results beside the roster, authors nothing
    INSTRUCTOR = "instructor"  # course staff: results, roster, deep linking
    ADMINISTRATOR = "administrator"  # as instructor

    @property
    def is_staff(self) -> bool:
        return self in (LtiRole.INSTRUCTOR, LtiRole.ADMINISTRATOR)


@dataclass(frozen=True, kw_only=True, slots=True)
class ToolUrls:
    """The tool's endpoints, as a platform admin enters them."""

    login: str
    launch: str
    deep_linking: str
    jwks: str
    config: str

    def as_dict(self) -> dict[str, str]:
        return {
            "oidc_login_url": self.login,
            "launch_url": self.launch,
            "deep_linking_url": self.deep_linking,
            "jwks_url": self.jwks,
            "config_url": self.config,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformRegistration:
    id: int
    issuer: str
    client_id: str
    name: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...]
    kid: str  # the tool's signing key id for this platform
    created: bool = False  # True when the call that returned it created the registration


@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceLinkBinding:
    id: int
    issuer: str
    client_id: str
    deployment_id: str
    context_id: str
    resource_link_id: str
    assessment_id: int
    lineitem_url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LaunchResult:
    """A validated resource link launch: who, what, as which role."""

    launch_id: str
    user_id: int
    role: LtiRole
    assessment_id: int
    course_key: str
    binding_id: int
    client_id: str
    claims: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class ScoreDelivery:
    """One queued AGS score, with what sending it needs (read by the delivery task under a row lock)."""

    id: int
    platform_id: int
    binding_id: int
    assessment_id: int
    resource_link_id: str
    lineitem_url: str
    lineitems_url: str
    scopes: tuple[str, ...]
    sub: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    scored_at: Any  # datetime
    tries: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ScoreStatus:
    """What staff see of the AGS outbox: queued (waiting or failing), failing, delivered, the last error."""

    queued: int
    failing: int
    delivered: int
    last_error: str


class LaunchRefused(Exception):
    """A launch failing one check of the LTI 1.3 security framework (``check`` names it; the message is shown)."""

    def __init__(self, check: str, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.status = status
