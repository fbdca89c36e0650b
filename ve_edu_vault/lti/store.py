"""
The LTI tool's one door to its tables (ORM by design); everything else in ``lti`` calls these.

TLDR: returns frozen data (``data.py``) or plain values, never rows, except to ``launch.py``'s
pylti1p3 glue, which gets key PEM text through ``signing_key`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import keys
from .data import PlatformRegistration, ResourceLinkBinding
from .models import LtiDeployment, LtiPlatform, LtiResourceLink, LtiToolKey, LtiUserLink


def _registration(row: LtiPlatform, *, created: bool = False) -> PlatformRegistration:
    deployments = tuple(row.deployments.filter(active=True).order_by("id").values_list("deployment_id", flat=True))
    key = _active_key(row)
    return PlatformRegistration(
        id=row.pk,
        issuer=row.issuer,
        client_id=row.client_id,
        name=row.name,
        auth_login_url=row.auth_login_url,
        auth_token_url=row.auth_token_url,
        key_set_url=row.key_set_url,
        deployment_ids=deployments,
        kid=key.kid if key else "",
        created=created,
    )


def _active_key(row: LtiPlatform) -> LtiToolKey | None:
    return row.tool_keys.filter(retired_at__isnull=True).order_by("-created", "-id").first()


def _new_key(row: LtiPlatform) -> LtiToolKey:
    generated = keys.generate_key()
    return LtiToolKey.objects.create(
        platform=row, kid=generated.kid, private_key_pem=generated.private_key_pem, public_jwk=generated.public_jwk
    )


@transaction.atomic
def save_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Sequence[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    name: str = "",
) -> PlatformRegistration:
    row, created = LtiPlatform.objects.select_for_update().get_or_create(
        issuer=issuer,
        client_id=client_id,
        defaults={
            "auth_login_url": auth_login_url,
            "auth_token_url": auth_token_url,
            "key_set_url": key_set_url,
            "name": name,
        },
    )
    if not created:
        row.auth_login_url, row.auth_token_url, row.key_set_url = auth_login_url, auth_token_url, key_set_url
        row.name = name or row.name
        row.active = True
        row.save()
    for deployment_id in deployment_ids:
        LtiDeployment.objects.update_or_create(platform=row, deployment_id=deployment_id, defaults={"active": True})
    if _active_key(row) is None:
        _new_key(row)
    return _registration(row, created=created)


def find_platform(issuer: str, client_id: str | None) -> PlatformRegistration | None:
    """The active registration of ``issuer`` and ``client_id``; without a client id, the issuer's only one."""
    rows = LtiPlatform.objects.filter(issuer=issuer, active=True)
    if client_id:
        rows = rows.filter(client_id=client_id)
    found = list(rows[:2])
    if len(found) != 1:
        return None
    return _registration(found[0])


def get_platform(platform_id: int) -> PlatformRegistration | None:
    row = LtiPlatform.objects.filter(pk=platform_id).first()
    return _registration(row) if row else None


def has_deployment(issuer: str, client_id: str, deployment_id: str) -> bool:
    return LtiDeployment.objects.filter(
        platform__issuer=issuer,
        platform__client_id=client_id,
        platform__active=True,
        deployment_id=deployment_id,
        active=True,
    ).exists()


def signing_key(platform_id: int) -> tuple[str, str]:
    """``(kid, private key PEM)`` of the registration's active key."""
    key = LtiToolKey.objects.filter(platform_id=platform_id, retired_at__isnull=True).order_by("-created", "-id")[0]
    return key.kid, key.private_key_pem


def public_keys() -> list[dict[str, Any]]:
    """Every unretired tool key's public JWK (all registrations): the tool's JWKS."""
    return [
        dict(jwk)
        for jwk in LtiToolKey.objects.filter(retired_at__isnull=True, platform__active=True)
        .order_by("id")
        .values_list("public_jwk", flat=True)
    ]


@transaction.atomic
def rotate_key(platform_id: int) -> str:
    """A new signing key for the registration; the older ones stay in the JWKS until retired. Returns the new kid."""
    row = LtiPlatform.objects.select_for_update().get(pk=platform_id)
    return _new_key(row).kid


def retire_keys(platform_id: int, *, keep_kid: str) -> int:
    """Retire every key of the registration but ``keep_kid`` (they leave the JWKS)."""
    return (
        LtiToolKey.objects.filter(platform_id=platform_id, retired_at__isnull=True)
        .exclude(kid=keep_kid)
        .update(retired_at=timezone.now())
    )


def _binding(row: LtiResourceLink) -> ResourceLinkBinding:
    return ResourceLinkBinding(
        id=row.pk,
        issuer=row.deployment.platform.issuer,
        client_id=row.deployment.platform.client_id,
        deployment_id=row.deployment.deployment_id,
        context_id=row.context_id,
        resource_link_id=row.resource_link_id,
        assessment_id=row.assessment_id,
        lineitem_url=row.lineitem_url,
    )


def deployments_of(issuer: str, deployment_id: str) -> list[int]:
    return list(
        LtiDeployment.objects.filter(platform__issuer=issuer, deployment_id=deployment_id).values_list("pk", flat=True)
    )


def save_binding(
    *,
    deployment_pk: int,
    context_id: str,
    resource_link_id: str,
    assessment_id: int,
    created_by: str,
    lineitem_url: str = "",
) -> ResourceLinkBinding:
    row, _created = LtiResourceLink.objects.update_or_create(
        deployment_id=deployment_pk,
        context_id=context_id,
        resource_link_id=resource_link_id,
        defaults={"assessment_id": assessment_id, "created_by": created_by, "lineitem_url": lineitem_url},
    )
    return _binding(LtiResourceLink.objects.select_related("deployment__platform").get(pk=row.pk))


def find_binding(
    *, issuer: str, client_id: str, deployment_id: str, context_id: str, resource_link_id: str
) -> ResourceLinkBinding | None:
    row = (
        LtiResourceLink.objects.select_related("deployment__platform")
        .filter(
            deployment__platform__issuer=issuer,
            deployment__platform__client_id=client_id,
            deployment__deployment_id=deployment_id,
            context_id=context_id,
            resource_link_id=resource_link_id,
        )
        .first()
    )
    return _binding(row) if row else None


def set_ags(binding_id: int, *, lineitem_url: str, lineitems_url: str, scopes: list[str]) -> None:
    """Keep the launch's AGS claim on the binding (the scores go there long after the launch)."""
    LtiResourceLink.objects.filter(pk=binding_id).update(
        lineitem_url=lineitem_url, lineitems_url=lineitems_url, ags_scopes=scopes, modified=timezone.now()
    )


def linked_user_id(issuer: str, sub: str) -> int | None:
    return LtiUserLink.objects.filter(issuer=issuer, sub=sub).values_list("user_id", flat=True).first()


def link_user(issuer: str, sub: str, user: Any) -> int:
    """Link (issuer, sub) to ``user``; if another launch linked it first, that link wins. Returns the user id."""
    row, _created = LtiUserLink.objects.get_or_create(issuer=issuer, sub=sub, defaults={"user": user})
    return row.user_id


def touch_user(issuer: str, sub: str) -> None:
    LtiUserLink.objects.filter(issuer=issuer, sub=sub).update(last_launch=timezone.now())


def unlink_user(user_id: int) -> int:
    deleted, _detail = LtiUserLink.objects.filter(user_id=user_id).delete()
    return deleted
