"""
The LTI tool's one door to its tables (ORM by design); everything else in ``lti`` calls these.

TLDR: returns frozen data (``data.py``) or plain values, never rows, except to ``launch.py``'s
pylti1p3 glue, which gets key PEM text through ``signing_key`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from ve_edu_vault import caching

from . import keys
from .data import PlatformRegistration, ResourceLinkBinding, ScoreDelivery, ScoreStatus
from .models import LtiDeployment, LtiPlatform, LtiResourceLink, LtiScore, LtiToolKey, LtiUserLink


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


def assessments_bound_in_context(issuer: str, client_id: str, deployment_id: str, context_id: str) -> set[int]:
    """The assessments already bound to links of this platform context."""
    return set(
        LtiResourceLink.objects.filter(
            deployment__platform__issuer=issuer,
            deployment__platform__client_id=client_id,
            deployment__deployment_id=deployment_id,
            context_id=context_id,
        ).values_list("assessment_id", flat=True)
    )


def deployment_pk(issuer: str, client_id: str, deployment_id: str) -> int | None:
    return (
        LtiDeployment.objects.filter(
            platform__issuer=issuer, platform__client_id=client_id, deployment_id=deployment_id
        )
        .values_list("pk", flat=True)
        .first()
    )


def set_ags(binding_id: int, *, lineitem_url: str, lineitems_url: str, scopes: list[str]) -> None:
    """Keep the launch's AGS claim on the binding (the scores go there long after the launch)."""
    LtiResourceLink.objects.filter(pk=binding_id).update(
        lineitem_url=lineitem_url, lineitems_url=lineitems_url, ags_scopes=scopes, modified=timezone.now()
    )


def set_memberships_url(binding_id: int, url: str) -> None:
    LtiResourceLink.objects.filter(pk=binding_id).exclude(memberships_url=url).update(memberships_url=url)


def binding_memberships_url(binding_id: int) -> str:
    return str(LtiResourceLink.objects.filter(pk=binding_id).values_list("memberships_url", flat=True).first() or "")


def users_of_subs(issuer: str, subs: list[str]) -> dict[str, int]:
    """{sub: user id} of the platform users who launched the tool."""
    return dict(LtiUserLink.objects.filter(issuer=issuer, sub__in=subs).values_list("sub", "user_id"))


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


# ---------------------------------------------------------------------------------------------
# The AGS outbox


# Whether an assessment has a resource link on an active platform: asked by every grading of every assessment (the
# AGS score sink's ``wants``), true for few. Cached per assessment; a change of a link (created, rebound, removed)
# or of a platform (activated, deactivated, removed) replaces the cached answer by a short-lived "changing" mark
# when its transaction commits: while the mark lives, reads go to the database and cache nothing, so a read that
# began before the commit cannot cache what it saw after the mark is set. Model signals catch every change made
# through model instances (this module, the admin, cascades); this module changes links in no other way.
HAS_LINKS_TIMEOUT = 600
_HAS_LINKS = "ve_edu_vault:lti:has-links:{assessment_id}"
_CHANGING = "changing"
_CHANGING_TIMEOUT = 10


def assessment_has_links(assessment_id: int) -> bool:
    """Whether the assessment is bound to a resource link of an active platform (cached, see above)."""
    key = _HAS_LINKS.format(assessment_id=assessment_id)
    cached = caching.get(key)
    if isinstance(cached, bool):
        return cached
    found = LtiResourceLink.objects.filter(assessment_id=assessment_id, deployment__platform__active=True).exists()
    if cached is None:  # not while a change is committing (``_CHANGING``)
        caching.add(key, found, timeout=HAS_LINKS_TIMEOUT)
    return found


def _links_changed(assessment_ids: set[int]) -> None:
    def mark() -> None:
        for assessment_id in assessment_ids:
            caching.set(_HAS_LINKS.format(assessment_id=assessment_id), _CHANGING, timeout=_CHANGING_TIMEOUT)

    if assessment_ids:
        transaction.on_commit(mark)


def _link_loaded(sender: Any, instance: LtiResourceLink, **kwargs: Any) -> None:
    instance._vault_loaded_assessment_id = instance.assessment_id  # type: ignore[attr-defined]


def _link_saved(sender: Any, instance: LtiResourceLink, **kwargs: Any) -> None:
    loaded = getattr(instance, "_vault_loaded_assessment_id", None)  # the assessment a rebound link leaves
    _links_changed({int(aid) for aid in (instance.assessment_id, loaded) if aid is not None})
    instance._vault_loaded_assessment_id = instance.assessment_id  # type: ignore[attr-defined]


def _link_deleted(sender: Any, instance: LtiResourceLink, **kwargs: Any) -> None:
    _links_changed({int(instance.assessment_id)})


def _platform_changed(sender: Any, instance: LtiPlatform, **kwargs: Any) -> None:
    _links_changed(
        set(LtiResourceLink.objects.filter(deployment__platform_id=instance.pk).values_list("assessment_id", flat=True))
    )


def connect_link_cache() -> None:
    """Keep ``assessment_has_links``'s cache right when links and platforms change (called once at start-up)."""
    uid = "ve_edu_vault.lti.has_links"
    post_init.connect(_link_loaded, sender=LtiResourceLink, dispatch_uid=f"{uid}.loaded")
    post_save.connect(_link_saved, sender=LtiResourceLink, dispatch_uid=f"{uid}.link_saved")
    post_delete.connect(_link_deleted, sender=LtiResourceLink, dispatch_uid=f"{uid}.link_deleted")
    post_save.connect(_platform_changed, sender=LtiPlatform, dispatch_uid=f"{uid}.platform_saved")


def queue_scores(
    *, assessment_id: int, user_id: int, earned: float, possible: float, activity_progress: str, now: datetime
) -> int:
    """
    Queue the learner's score for each resource link of the assessment on a platform that launched them (their
    (issuer, sub) link); in the caller's transaction. Returns how many were queued.
    """
    subs = dict(LtiUserLink.objects.filter(user_id=user_id).values_list("issuer", "sub"))
    if not subs:
        return 0
    queued = 0
    for binding_id, issuer in LtiResourceLink.objects.filter(
        assessment_id=assessment_id, deployment__platform__active=True
    ).values_list("pk", "deployment__platform__issuer"):
        if issuer not in subs:
            continue
        LtiScore.objects.update_or_create(
            binding_id=binding_id,
            user_id=user_id,
            defaults={
                "sub": subs[issuer],
                "score_given": earned,
                "score_maximum": possible,
                "activity_progress": activity_progress,
                "grading_progress": "FullyGraded",
                "scored_at": now,
                "due_at": now,
                "tries": 0,
                "last_error": "",
            },
        )
        queued += 1
    return queued


def take_due_scores(now: datetime, *, limit: int) -> list[ScoreDelivery]:
    """The due scores, locked for the caller's transaction (rows another worker holds are skipped where possible)."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    ids = list(
        LtiScore.objects.select_for_update(skip_locked=skip_locked)
        .filter(due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    rows = LtiScore.objects.select_related("binding__deployment").filter(pk__in=ids).order_by("due_at", "id")
    return [
        ScoreDelivery(
            id=row.pk,
            platform_id=row.binding.deployment.platform_id,
            binding_id=row.binding_id,
            assessment_id=row.binding.assessment_id,
            resource_link_id=row.binding.resource_link_id,
            lineitem_url=row.binding.lineitem_url,
            lineitems_url=row.binding.lineitems_url,
            scopes=tuple(row.binding.ags_scopes or ()),
            sub=row.sub,
            score_given=row.score_given,
            score_maximum=row.score_maximum,
            activity_progress=row.activity_progress,
            grading_progress=row.grading_progress,
            scored_at=row.scored_at,
            tries=row.tries,
        )
        for row in rows
    ]


def score_delivered(score_id: int, now: datetime) -> None:
    LtiScore.objects.filter(pk=score_id).update(due_at=None, tries=0, last_error="", delivered_at=now)


def score_failed(score_id: int, *, tries: int, retry_at: datetime, error: str) -> None:
    LtiScore.objects.filter(pk=score_id).update(tries=tries, due_at=retry_at, last_error=error[:2000])


def retry_scores_now(score_ids: list[int], now: datetime) -> int:
    """Staff's retry: the failing or queued scores are due now (delivered ones are left alone)."""
    return LtiScore.objects.filter(pk__in=score_ids, due_at__isnull=False).update(due_at=now)


def next_due(now: datetime) -> datetime | None:
    due: datetime | None = (
        LtiScore.objects.filter(due_at__isnull=False).order_by("due_at").values_list("due_at", flat=True).first()
    )
    return due


def score_status(assessment_id: int | None = None) -> ScoreStatus:
    rows = LtiScore.objects.all()
    if assessment_id is not None:
        rows = rows.filter(binding__assessment_id=assessment_id)
    queued = rows.filter(due_at__isnull=False)
    failing = queued.filter(tries__gt=0)
    last = failing.order_by("-modified").values_list("last_error", flat=True).first()
    return ScoreStatus(
        queued=queued.count(),
        failing=failing.count(),
        delivered=rows.filter(due_at__isnull=True, delivered_at__isnull=False).count(),
        last_error=last or "",
    )


def forget_scores(user_id: int) -> int:
    """Retirement: queued scores are cancelled and the platform's user id erased (the rows stay, as records)."""
    return LtiScore.objects.filter(user_id=user_id).update(due_at=None, sub="", last_error="cancelled: learner retired")
