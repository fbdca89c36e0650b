"""
Public Python API of the LTI 1.3 tool: registrations, resource links, launches, the tool's keys and URLs.

TLDR: views, commands and other applets call only these (``__all__``). A launch is validated by
``launch.VaultMessageLaunch`` (pylti1p3 plus the checks it lacks); every refusal and every staff change
writes one line on the ``ve_edu_vault.lti.audit`` logger (never a token, key or secret). LTI users are
(issuer, sub) linked to an account created on their first launch, never matched by e-mail.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.audit import api as audit_log_api
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api import lti_launch as launch_token

from . import store
from .data import (
    AGS_ENDPOINT,
    CONTEXT,
    DEEP_LINKING_REQUEST,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    NRPS,
    RESOURCE_LINK,
    LaunchRefused,
    LaunchResult,
    LtiRole,
    PlatformRegistration,
    ResourceLinkBinding,
    ScoreStatus,
    ToolUrls,
)
from .launch import (
    BrowserCheck,
    NeedsOwnWindow,
    StorageLogin,
    ValidatedLaunch,
    VaultMessageLaunch,
    login_redirect_url,
)
from .roles import role_of

__all__ = [
    "BrowserCheck",
    "LaunchRefused",
    "LaunchResult",
    "LtiRole",
    "NeedsOwnWindow",
    "PlatformRegistration",
    "ResourceLinkBinding",
    "StorageLogin",
    "ToolUrls",
    "ValidatedLaunch",
    "add_platform",
    "audit",
    "audit_deep_link_choice",
    "begin_login",
    "complete_launch",
    "enabled",
    "forget_user",
    "issue_launch_token",
    "jwks",
    "link_resource",
    "queue_score",
    "retire_old_keys",
    "retry_scores",
    "rotate_key",
    "score_status",
    "tool_configuration",
    "tool_urls",
    "verify_browser_launch",
]

audit_log = logging.getLogger("ve_edu_vault.lti.audit")


def enabled() -> bool:
    return bool(conf.get("VE_EDU_VAULT_LTI_ENABLED"))


def audit(event: str, **fields: Any) -> None:
    """One audit line: ``lti <event> key=value ...`` (values quoted, never secrets)."""
    text = " ".join(f"{key}={str(value)[:200]!r}" for key, value in fields.items())
    audit_log.warning("lti %s %s", event, text)


def base_url() -> str:
    configured = conf.get("VE_EDU_VAULT_LTI_BASE_URL") or getattr(settings, "LMS_ROOT_URL", "") or ""
    return str(configured).rstrip("/") or "http://localhost:8000"


def tool_urls(*, base: str | None = None) -> ToolUrls:
    root = (base or base_url()).rstrip("/")
    return ToolUrls(
        login=root + reverse("ve_edu_vault:lti-login"),
        launch=root + reverse("ve_edu_vault:lti-launch"),
        deep_linking=root + reverse("ve_edu_vault:lti-deep-linking"),
        jwks=root + reverse("ve_edu_vault:lti-jwks"),
        config=root + reverse("ve_edu_vault:lti-config"),
    )


def _url(value: str, field: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"{field} must be an http(s) URL, not {value!r}.", field=field)
    return value


def add_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Sequence[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    name: str = "",
    actor: str = "",
) -> PlatformRegistration:
    """Register a platform, or update it (same issuer and client id); deployments are added, keys kept."""
    if not issuer.strip() or not client_id.strip():
        raise ValidationError("The issuer and the client id are required.", field="issuer")
    if not deployment_ids or any(not item.strip() for item in deployment_ids):
        raise ValidationError("At least one non-empty deployment id is required.", field="deployment_id")
    with transaction.atomic():
        registration = _save_platform_audited(
            issuer=issuer,
            client_id=client_id,
            deployment_ids=deployment_ids,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            key_set_url=key_set_url,
            name=name,
            actor=actor,
        )
    audit(
        "platform_added" if registration.created else "platform_updated",
        issuer=registration.issuer,
        client_id=registration.client_id,
        deployments=",".join(registration.deployment_ids),
        actor=actor,
    )
    return registration


def _save_platform_audited(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Sequence[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    name: str,
    actor: str,
) -> PlatformRegistration:
    registration = store.save_platform(
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        deployment_ids=[item.strip() for item in deployment_ids],
        auth_login_url=_url(auth_login_url, "auth_url"),
        auth_token_url=_url(auth_token_url, "token_url"),
        key_set_url=_url(key_set_url, "jwks_url"),
        name=name,
    )
    audit_log_api.record(
        audit_log_api.LTI_PLATFORM_SAVED,
        object_type="lti_platform",
        object_id=registration.id,
        details={
            "issuer": registration.issuer,
            "client_id": registration.client_id,
            "deployment_ids": list(registration.deployment_ids),
            "created": registration.created,
            "by": actor,
        },
    )
    return registration


def rotate_key(*, issuer: str, client_id: str, actor: str = "") -> str:
    """A new signing key for a registration; older keys stay in the JWKS (``retire_old_keys`` removes them)."""
    platform_row = store.find_platform(issuer, client_id)
    if platform_row is None:
        raise NotFoundError("No such LTI platform registration.", field="issuer")
    with transaction.atomic():
        kid = store.rotate_key(platform_row.id)
        audit_log_api.record(
            audit_log_api.LTI_KEYS_CHANGED,
            object_type="lti_platform",
            object_id=platform_row.id,
            details={"rotated_to": kid, "by": actor},
        )
    audit("key_rotated", issuer=issuer, client_id=client_id, kid=kid, actor=actor)
    return kid


def retire_old_keys(*, issuer: str, client_id: str, actor: str = "") -> int:
    """End the overlap: every key of the registration but the newest leaves the JWKS."""
    platform_row = store.find_platform(issuer, client_id)
    if platform_row is None:
        raise NotFoundError("No such LTI platform registration.", field="issuer")
    with transaction.atomic():
        count = store.retire_keys(platform_row.id, keep_kid=platform_row.kid)
        audit_log_api.record(
            audit_log_api.LTI_KEYS_CHANGED,
            object_type="lti_platform",
            object_id=platform_row.id,
            details={"kept": platform_row.kid, "retired": count, "by": actor},
        )
    audit("keys_retired", issuer=issuer, client_id=client_id, kept=platform_row.kid, retired=count, actor=actor)
    return count


def jwks() -> dict[str, Any]:
    return {"keys": store.public_keys()}


def tool_configuration() -> dict[str, Any]:
    """What a platform admin copies: the tool's URLs, messages, claims and scopes (no secret)."""
    urls = tool_urls()
    return {
        "title": "ve-edu-vault",
        "description": "Vault assessments: launches, deep linking, grades back (AGS), rosters (NRPS).",
        **urls.as_dict(),
        "target_link_uri": urls.launch,
        "redirect_uris": [urls.launch],
        "messages": [
            {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch},
            {"type": "LtiDeepLinkingRequest", "target_link_uri": urls.deep_linking},
        ],
        "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
        "scopes": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        ],
        "token_endpoint_auth_method": "private_key_jwt",
        "id_token_signed_response_alg": "RS256",
    }


def link_resource(
    *, issuer: str, deployment_id: str, context_id: str, resource_link_id: str, assessment_id: int, actor: str = ""
) -> ResourceLinkBinding:
    """Bind a platform's resource link to an assessment without deep linking (the command's contract)."""
    deployments = store.deployments_of(issuer, deployment_id)
    if not deployments:
        raise NotFoundError("No registered platform has this issuer and deployment id.", field="deployment_id")
    if len(deployments) > 1:
        raise ValidationError(
            "Several registrations of this issuer share the deployment id; bind it from the admin.",
            field="deployment_id",
        )
    if not context_id.strip() or not resource_link_id.strip():
        raise ValidationError("The context id and the resource link id are required.", field="resource_link")
    assessment = assessments.get_assessment(assessment_id)  # NotFoundError for an unknown id
    with transaction.atomic():
        binding = store.save_binding(
            deployment_pk=deployments[0],
            context_id=context_id,
            resource_link_id=resource_link_id,
            assessment_id=assessment.id,
            created_by="command",
        )
        audit_log_api.record(
            audit_log_api.LTI_LINK_BOUND,
            object_type="lti_resource_link",
            object_id=binding.id,
            course_key=assessment.course_key,
            details={"assessment_id": assessment.id, "resource_link_id": resource_link_id, "by": actor},
        )
    audit(
        "resource_link_bound",
        issuer=issuer,
        deployment_id=deployment_id,
        context_id=context_id,
        resource_link_id=resource_link_id,
        assessment_id=assessment.id,
        actor=actor,
    )
    return binding


# ---------------------------------------------------------------------------------------------
# Login and launch


def _allowed_targets() -> tuple[str, ...]:
    urls = tool_urls()
    return (urls.launch, urls.deep_linking)


def begin_login(request: Any) -> Any:
    """
    OIDC login initiation: the redirect to the platform's authorization endpoint, or a ``StorageLogin`` when the
    platform offers its storage (the page puts state and nonce there first). Raises ``LaunchRefused``.
    """
    urls = tool_urls()
    return login_redirect_url(request, launch_url=urls.launch, login_url=urls.login, allowed_targets=_allowed_targets())


#: How long a launch validated server-side waits for the browser's platform storage answer (seconds).
BROWSER_CHECK_SECONDS = 120
_PENDING_KEY = "ve_edu_vault.lti.pending."


def _username() -> str:
    """A random username of 30 characters (edx-platform's LTI provider keeps usernames within 30)."""
    return "lti-" + secrets.token_hex(13)


def _account(issuer: str, claims: dict[str, Any]) -> Any:
    """The account linked to (issuer, sub), created on the first launch (never matched by e-mail)."""
    from django.contrib.auth import get_user_model

    sub = str(claims["sub"])
    user_id = store.linked_user_id(issuer, sub)
    if user_id is None:
        name = str(claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])))
        try:
            with transaction.atomic():
                user = platform.create_user(_username(), email=str(claims.get("email") or ""), name=name)
                user_id = store.link_user(issuer, sub, user)
        except IntegrityError:  # a concurrent first launch of the same user created it
            user_id = store.linked_user_id(issuer, sub)
            if user_id is None:
                raise
    store.touch_user(issuer, sub)
    return get_user_model().objects.get(pk=user_id)


def _apply_role(user: Any, role: LtiRole, course_key: CourseKey) -> None:
    if role.is_staff:
        if not platform.is_course_staff(user, course_key):
            platform.grant_course_staff(user, course_key)
    elif not platform.is_enrolled(user, course_key):
        platform.enroll(user, course_key)


def complete_launch(request: Any) -> tuple[LaunchResult | BrowserCheck | None, ValidatedLaunch]:
    """
    Validate a launch (every check; ``LaunchRefused`` names the failing one) and, for a resource link, link the
    user, apply their role to the bound assessment's course and return the ``LaunchResult``. A deep linking
    request returns ``(None, launch)``: the deep linking view continues it. A launch whose login was bound
    through the platform's storage returns a ``BrowserCheck``: nothing is done until ``verify_browser_launch``
    has the state and nonce the browser read back from that storage. ``NeedsOwnWindow`` (a ``LaunchRefused``)
    when the state cookie did not come back.
    """
    message = VaultMessageLaunch(request, allowed_targets=_allowed_targets())
    message.validate()
    validated = message.validated()
    check = message.browser_check()
    if check is not None:
        state, nonce = message.bound_values()
        cache.set(
            _PENDING_KEY + check.pending,
            {
                "body": validated.body,
                "client_id": validated.client_id,
                "launch_id": validated.launch_id,
                "state": state,
                "nonce": nonce,
            },
            BROWSER_CHECK_SECONDS,
        )
        return check, validated
    return finish_launch(validated), validated


def verify_browser_launch(pending: str, *, state: str, nonce: str) -> tuple[LaunchResult | None, ValidatedLaunch]:
    """
    Finish a launch bound through platform storage once the browser read the state and nonce back from it
    (``lti.get_data``): both must be this launch's, and the pending launch is used once. Raises ``LaunchRefused``.
    """
    entry = cache.get(_PENDING_KEY + pending) if pending else None
    if entry is None or not cache.delete(_PENDING_KEY + pending):
        raise LaunchRefused("state", "The launch's state is unknown, expired or already used. Launch again.")
    if not (secrets.compare_digest(state, entry["state"]) and secrets.compare_digest(nonce, entry["nonce"])):
        raise LaunchRefused(
            "platform_storage",
            "The platform's storage in this browser does not hold this launch's state and nonce: the launch did"
            " not start in this browser.",
        )
    validated = ValidatedLaunch(body=entry["body"], client_id=entry["client_id"], launch_id=entry["launch_id"])
    return finish_launch(validated), validated


def finish_launch(message: ValidatedLaunch) -> LaunchResult | None:
    """The launch's effects once validated: the binding, the user and their role (None for deep linking)."""
    claims = message.claims()
    if claims.get(MESSAGE_TYPE) == DEEP_LINKING_REQUEST:
        return None
    issuer, client_id = claims["iss"], message.get_client_id()
    binding = store.find_binding(
        issuer=issuer,
        client_id=client_id,
        deployment_id=claims[DEPLOYMENT_ID],
        context_id=str((claims.get(CONTEXT) or {}).get("id", "")),
        resource_link_id=str(claims[RESOURCE_LINK]["id"]),
    )
    if binding is None:
        binding = _bind_deep_linked(claims, issuer=issuer, client_id=client_id)
    if binding is None:
        raise LaunchRefused(
            "resource_link",
            "This link is not set up yet: an instructor picks its assessment by deep linking "
            "(or an operator binds it with vault_lti_link).",
            status=404,
        )
    ags = claims.get(AGS_ENDPOINT)
    if isinstance(ags, dict):
        store.set_ags(
            binding.id,
            lineitem_url=str(ags.get("lineitem") or binding.lineitem_url),
            lineitems_url=str(ags.get("lineitems") or ""),
            scopes=[str(scope) for scope in ags.get("scope") or []],
        )
    nrps = claims.get(NRPS)
    if isinstance(nrps, dict) and nrps.get("context_memberships_url"):
        store.set_memberships_url(binding.id, str(nrps["context_memberships_url"]))
    try:
        assessment = assessments.get_assessment(binding.assessment_id)
    except NotFoundError as exc:
        raise LaunchRefused("resource_link", "The assessment of this link no longer exists.", status=404) from exc
    role = role_of(claims)
    with transaction.atomic():
        user = _account(issuer, claims)
        _apply_role(user, role, assessment.course_key)
    result = LaunchResult(
        launch_id=message.get_launch_id(),
        user_id=user.pk,
        role=role,
        assessment_id=assessment.id,
        course_key=str(assessment.course_key),
        binding_id=binding.id,
        client_id=client_id,
        claims=claims,
    )
    audit(
        "launch",
        issuer=issuer,
        client_id=client_id,
        deployment_id=claims[DEPLOYMENT_ID],
        resource_link_id=binding.resource_link_id,
        assessment_id=assessment.id,
        user_id=user.pk,
        role=role.value,
    )
    return result


def queue_score(score: Any) -> int:
    """
    Queue a learner's score (``assessments.score_sinks.LearnerScore``) for each of the assessment's resource links
    on a platform that launched them, in the caller's transaction (the grade-report drain's). Returns how many.
    """
    from django.utils import timezone

    return store.queue_scores(
        assessment_id=score.assessment_id,
        user_id=score.user_id,
        earned=score.earned,
        possible=score.possible,
        activity_progress="InProgress" if score.attempt_in_progress else "Completed",
        now=timezone.now(),
    )


def score_status(assessment_id: int | None = None) -> ScoreStatus:
    """The AGS outbox as staff see it (queued, failing, delivered, the last error)."""
    return store.score_status(assessment_id)


def retry_scores(score_ids: list[int], *, actor: str = "", user: Any = None) -> int:
    """Staff's retry from the admin: the scores are due now and the delivery task is queued (audited)."""
    from django.utils import timezone

    from .handlers import trigger_delivery

    with transaction.atomic():
        count = store.retry_scores_now(score_ids, timezone.now())
        audit_log_api.record(
            audit_log_api.LTI_SCORES_RETRIED,
            object_type="lti_score",
            object_id=",".join(str(pk) for pk in sorted(score_ids))[:255],
            actor=user,
            details={"count": count, "by": actor},
        )
    audit("scores_retried", count=count, actor=actor)
    transaction.on_commit(trigger_delivery)
    return count


def _course_of_assessment(assessment_id: int) -> CourseKey | None:
    try:
        return assessments.get_assessment(assessment_id).course_key
    except NotFoundError:
        return None


def audit_deep_link_choice(session: dict[str, Any]) -> None:
    """The audit entry of an LTI instructor's deep linking choice (the platform user's ``sub``; no vault account)."""
    audit_log_api.record(
        audit_log_api.LTI_DEEP_LINK_CHOSEN,
        object_type="assessment",
        object_id=session["assessment_id"],
        course_key=CourseKey.from_string(session["course_key"]),
        details={"issuer": session["issuer"], "deployment_id": session["deployment_id"], "sub": session.get("sub", "")},
    )


def forget_user(user_id: int) -> int:
    """Remove an account's LTI links and queued scores (learner retirement); returns how many links."""
    store.forget_scores(user_id)
    count = store.unlink_user(user_id)
    if count:
        audit("user_links_removed", user_id=user_id, count=count)
    return count


def _bind_deep_linked(claims: dict[str, Any], *, issuer: str, client_id: str) -> ResourceLinkBinding | None:
    """The first launch of a link made by deep linking binds it to the assessment its signed custom parameter names."""
    from . import deep_linking

    assessment_id = deep_linking.linked_assessment(claims, issuer=issuer, deployment_id=claims[DEPLOYMENT_ID])
    deployment = store.deployment_pk(issuer, client_id, claims[DEPLOYMENT_ID])
    if assessment_id is None or deployment is None:
        return None
    binding = store.save_binding(
        deployment_pk=deployment,
        context_id=str((claims.get(CONTEXT) or {}).get("id", "")),
        resource_link_id=str(claims[RESOURCE_LINK]["id"]),
        assessment_id=assessment_id,
        created_by="deep_linking",
    )
    audit_log_api.record(
        audit_log_api.LTI_LINK_BOUND,
        object_type="lti_resource_link",
        object_id=binding.id,
        course_key=_course_of_assessment(assessment_id),
        details={"assessment_id": assessment_id, "resource_link_id": binding.resource_link_id, "by": "deep_linking"},
    )
    audit(
        "resource_link_bound",
        issuer=issuer,
        resource_link_id=binding.resource_link_id,
        assessment_id=assessment_id,
        actor="deep_linking",
    )
    return binding


def issue_launch_token(result: LaunchResult) -> str:
    return launch_token.issue(
        launch_token.LaunchGrant(
            launch_id=result.launch_id,
            user_id=result.user_id,
            course_key=result.course_key,
            assessment_id=result.assessment_id,
            staff=result.role.is_staff,
        )
    )
