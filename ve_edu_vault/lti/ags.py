"""
Assignment and Grade Services: scores from the AGS outbox to the platforms' line items.

TLDR: pylti1p3 does the protocol (``AssignmentsGradesService.put_grade``, ``find_or_create_lineitem``; its
``ServiceConnector`` signs the client-credentials assertion with the tool's key and its kid). What it lacks is
a token kept across calls: ``CachedTokenConnector`` keeps each access token in the Django cache until a minute
before it expires, per registration and scopes, so passback works long after the launch without a token
request per score. ``deliver_due`` sends what is due in one transaction per batch; a failure waits with
backoff (30 s, 60 s, ... at most an hour) and its error, visible and retryable in the admin.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from . import store
from .data import ScoreDelivery
from .launch import registration_of

log = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
BATCH_SIZE = 100
_TOKEN_KEY = "ve_edu_vault.lti.token."  # noqa: S105 - a cache key prefix


class CachedTokenConnector(ServiceConnector):  # type: ignore[misc]
    """pylti1p3's connector with its access tokens kept in the Django cache until shortly before they expire."""

    def __init__(self, registration: Any, platform_id: int) -> None:
        super().__init__(registration)
        self._platform_id = platform_id
        self._expires_in = 3600
        self._token_keys: set[str] = set()
        self._requests_session.hooks["response"].append(self._note_expiry)

    def _note_expiry(self, response: Any, *args: Any, **kwargs: Any) -> None:
        if response.status_code == 401 and response.request.url != self._registration.get_auth_token_url():
            # The platform refuses the token (revoked, or issued by a platform that forgot it): drop it, so the
            # retry asks for a new one instead of failing with the same token until it expires.
            cache.delete_many(list(self._token_keys))
            self._access_tokens = {}
            return
        if response.request.url == self._registration.get_auth_token_url() and response.ok:
            try:
                self._expires_in = int(response.json().get("expires_in") or 3600)
            except (ValueError, TypeError, AttributeError):
                self._expires_in = 3600

    def get_access_token(self, scopes: Any) -> str:
        scope_text = " ".join(sorted(scopes))
        key = _TOKEN_KEY + hashlib.sha256(f"{self._platform_id}\n{scope_text}".encode()).hexdigest()
        self._token_keys.add(key)
        token = cache.get(key)
        if token:
            return str(token)
        token = super().get_access_token(scopes)
        cache.set(key, token, max(1, self._expires_in - 60))
        return str(token)


def _grade(item: ScoreDelivery) -> Grade:
    return (
        Grade()
        .set_score_given(item.score_given)
        .set_score_maximum(item.score_maximum)
        .set_activity_progress(item.activity_progress)
        .set_grading_progress(item.grading_progress)
        .set_timestamp(item.scored_at.isoformat())
        .set_user_id(item.sub)
    )


def send(item: ScoreDelivery) -> None:
    """Post one score; creates the line item (and keeps its URL) when the link has none and the platform allows it."""
    platform = store.get_platform(item.platform_id)
    if platform is None:
        raise RuntimeError("the platform registration is gone")
    scopes = list(item.scopes) or [SCORE_SCOPE]
    service = AssignmentsGradesService(
        CachedTokenConnector(registration_of(platform), platform.id),
        cast(Any, {"scope": scopes, "lineitems": item.lineitems_url, "lineitem": item.lineitem_url}),
    )
    if item.lineitem_url:
        service.put_grade(_grade(item))
        return
    if not (item.lineitems_url and LINEITEM_SCOPE in scopes):
        raise RuntimeError("the launch gave no line item and the platform does not let the tool create one")
    wanted = (
        LineItem()
        .set_score_maximum(item.score_maximum)
        .set_label(f"Vault assessment {item.assessment_id}")
        .set_resource_id(f"ve-edu-vault-assessment-{item.assessment_id}")
        .set_resource_link_id(item.resource_link_id)
        .set_tag(f"ve-edu-vault-{item.binding_id}")
    )
    lineitem = service.find_or_create_lineitem(wanted)
    store.set_ags(
        item.binding_id, lineitem_url=str(lineitem.get_id()), lineitems_url=item.lineitems_url, scopes=list(scopes)
    )
    service.put_grade(_grade(item), lineitem)


def retry_delay(tries: int) -> timedelta:
    return timedelta(seconds=min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, tries - 1)))


def deliver_due(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> tuple[int, int]:
    """Send the due scores (one transaction, at most ``limit``); ``(delivered, failed)``."""
    now = now or timezone.now()
    delivered = failed = 0
    with transaction.atomic():
        for item in store.take_due_scores(now, limit=limit):
            try:
                send(item)
            except Exception as error:
                tries = item.tries + 1
                store.score_failed(
                    item.id, tries=tries, retry_at=now + retry_delay(tries), error=f"{type(error).__name__}: {error}"
                )
                log.warning("AGS score %s failed (try %s): %s", item.id, tries, error)
                failed += 1
            else:
                store.score_delivered(item.id, timezone.now())
                delivered += 1
    return delivered, failed
