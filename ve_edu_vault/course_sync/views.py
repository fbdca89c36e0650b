"""
The Studio page of course sync: a course's sync history, its last change set, and review buttons.

TLDR: server-rendered so it works in Studio without a frontend build. Course staff only (the
platform adapter decides); buttons POST forms with CSRF to ``sync_action``, which calls
``course_sync.api`` and redirects back with a message. No model is queried here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api
from ve_edu_vault.course_sync.data_api import SyncRecordData
from ve_edu_vault.course_sync.reporting import COUNT_KINDS, report_counts, stored_change_to_report
from ve_edu_vault.errors import VaultError
from ve_edu_vault.platform import api as platform

HISTORY_LIMIT = 50
ACTIONS = ("undo", "approve", "reject", "resume", "policy")
_POLICIES = (("apply_all", _("Apply every change set")), ("hold_destructive", _("Hold destructive change sets")))


def _course_for_staff(request: HttpRequest, raw_key: str) -> CourseKey:
    try:
        course_key = CourseKey.from_string(raw_key)
    except InvalidKeyError as exc:
        raise _BadKey(raw_key) from exc
    if not platform.is_course_staff(request.user, course_key):
        raise PermissionDenied(_("Only the course's staff may see its sync history."))
    return course_key


class _BadKey(Exception):
    pass


def _row(record: SyncRecordData) -> dict[str, Any]:
    counts = report_counts(record.counts)
    return {
        "record": record,
        "counts": [(kind, counts[kind]) for kind in COUNT_KINDS if counts[kind]],
        "can_undo": record.status == "applied" and record.undo_of_id is None,
        "is_held": record.status == "held",
    }


@login_required
@require_GET
def sync_history(request: HttpRequest, course_key: str) -> HttpResponse:
    try:
        key = _course_for_staff(request, course_key)
    except _BadKey:
        return HttpResponseBadRequest(_("Not a valid course key."))
    records = api.list_sync_records(key, limit=HISTORY_LIMIT)
    last_applied = next((record for record in records if record.status in ("applied", "undone")), None)
    context = {
        "course_key": key,
        "rows": [_row(record) for record in records],
        "count_kinds": COUNT_KINDS,
        "settings": api.get_sync_settings(key),
        "policies": _POLICIES,
        "last_applied": last_applied,
        "last_changes": [stored_change_to_report(item) for item in last_applied.changes] if last_applied else [],
    }
    return render(request, "ve_edu_vault/course_sync/history.html", context)


def _sync_id(request: HttpRequest, course_key: CourseKey) -> int:
    try:
        sync_id = int(request.POST.get("sync_id", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        record = api.get_sync_record(sync_id)
    except VaultError as exc:
        raise Http404 from exc
    if record.course_key != course_key:  # staff of one course must not act on another's syncs
        raise Http404
    return sync_id


@login_required
@require_POST
def sync_action(request: HttpRequest, course_key: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    try:
        key = _course_for_staff(request, course_key)
    except _BadKey:
        return HttpResponseBadRequest(_("Not a valid course key."))
    try:
        if action == "resume":
            api.resume_auto_sync(key)
            messages.success(request, _("Automatic sync resumed."))
        elif action == "policy":
            api.set_sync_policy(key, request.POST.get("policy", ""))
            messages.success(request, _("Review policy saved."))
        else:
            sync_id = _sync_id(request, key)
            if action == "undo":
                result = api.undo_sync(sync_id, requested_by=request.user)
                messages.success(
                    request,
                    _("Sync {sync_id} undone (sync {undo_id}); automatic sync is paused.").format(
                        sync_id=sync_id, undo_id=result.sync_id
                    ),
                )
            elif action == "approve":
                api.approve_held_sync(sync_id, requested_by=request.user)
                messages.success(request, _("Sync {sync_id} approved and applied.").format(sync_id=sync_id))
            else:
                api.reject_held_sync(sync_id, requested_by=request.user)
                messages.success(request, _("Sync {sync_id} rejected.").format(sync_id=sync_id))
    except VaultError as exc:
        messages.error(request, exc.message)
    url = reverse("ve_edu_vault:course-sync-history", kwargs={"course_key": str(key)})
    return HttpResponseRedirect(url)
