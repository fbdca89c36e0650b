"""
Names and Role Provisioning Services: the platform's roster of a launch's context beside the vault's results.

TLDR: pylti1p3 reads the roster (``NamesRolesProvisioningService.get_members``, paged, with a client-credentials
token from ``ags.CachedTokenConnector``); each member is matched to a vault account by (issuer, ``user_id``
= the launch's ``sub``) only, so learners who never launched show "not started". Results are the learner's
score over graded attempts (the assessment's scoring method), unreleased scores included: this is staff's view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from pylti1p3.names_roles import NamesRolesProvisioningService

from ve_edu_vault.assessments import api as assessments

from . import store
from .ags import CachedTokenConnector
from .launch import registration_of

__all__ = ["RosterRow", "roster_with_results"]

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@dataclass(frozen=True, kw_only=True, slots=True)
class RosterRow:
    name: str
    roles: str
    status: str  # not started, in progress, graded
    score: str  # "3 / 4", "" without a graded attempt


def _short_role(role: str) -> str:
    return role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def roster_with_results(*, issuer: str, client_id: str, binding_id: int, assessment_id: int) -> list[RosterRow]:
    """The roster (raises what pylti1p3 or the platform raise: the caller shows the results without it)."""
    url = store.binding_memberships_url(binding_id)
    platform = store.find_platform(issuer, client_id)
    if not url or platform is None:
        return []
    service = NamesRolesProvisioningService(
        CachedTokenConnector(registration_of(platform), platform.id), cast(Any, {"context_memberships_url": url})
    )
    members = service.get_members()
    users = store.users_of_subs(issuer, [str(member.get("user_id")) for member in members])
    rows = []
    accounts = get_user_model().objects.in_bulk(list(users.values()))
    for member in members:
        name = str(member.get("name") or member.get("user_id"))
        roles = ", ".join(_short_role(str(role)) for role in member.get("roles", []))
        user_id = users.get(str(member.get("user_id")))
        if user_id is None or user_id not in accounts:
            rows.append(RosterRow(name=name, roles=roles, status="not started", score=""))
            continue
        score = assessments.learner_score(assessment_id, user_id)
        attempts = assessments.list_attempts(assessment_id, user=accounts[user_id])
        if score is not None:
            rows.append(
                RosterRow(name=name, roles=roles, status="graded", score=f"{score.earned:g} / {score.possible:g}")
            )
        elif attempts:
            rows.append(RosterRow(name=name, roles=roles, status="in progress", score=""))
        else:
            rows.append(RosterRow(name=name, roles=roles, status="not started", score=""))
    return rows
