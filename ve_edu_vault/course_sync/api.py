"""
Public Python API of course sync: sync a course, preview, history, undo, review, read the mirror.

TLDR: views, tasks, management commands and other applets call only these functions. A sync runs
in one transaction under a per-course lock (the ``CourseSyncState`` row, ``SELECT ... FOR UPDATE``),
so two syncs of one course never interleave and a failed sync leaves the mirror untouched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from edx_django_utils.monitoring import set_custom_attribute
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.audit import api as audit
from ve_edu_vault.course_sync import source_registry, sources, store
from ve_edu_vault.course_sync.apply import apply_change_set
from ve_edu_vault.course_sync.data import ChangeKind, ChangeSet, CourseOutline, OutlineNode
from ve_edu_vault.course_sync.data_api import (
    CourseNodeData,
    CourseSyncSettings,
    OutlineOption,
    SyncRecordData,
    SyncResult,
)
from ve_edu_vault.course_sync.diff import diff_outlines, invert_change_set
from ve_edu_vault.course_sync.nodes import row_to_node
from ve_edu_vault.course_sync.reporting import COUNT_KINDS, NODE_KINDS, sync_result_to_dict
from ve_edu_vault.course_sync.serialization import change_set_from_list, change_set_to_list
from ve_edu_vault.course_sync.signals import COURSE_SYNCED
from ve_edu_vault.course_sync.store import KeyParser, NodeRow, SyncState, load_rows
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError, VaultError
from ve_edu_vault.hooks.signals import record_event, send_on_commit
from ve_edu_vault.olx.errors import OlxError

__all__ = [
    "COUNT_KINDS",
    "NODE",
    "NODE_KINDS",
    "WEBHOOK_PUBLISH_TRIGGER",
    "CourseNodeData",
    "OutlineOption",
    "SyncRecordData",
    "SyncResult",
    "approve_held_sync",
    "get_node",
    "get_nodes",
    "get_nodes_by_id",
    "get_outline_source",
    "get_outline_tree",
    "get_sync_record",
    "get_sync_settings",
    "is_publish_trigger",
    "list_sync_records",
    "outline_options",
    "preview_sync",
    "register_node_usage_check",
    "reject_held_sync",
    "resume_auto_sync",
    "schedule_sync",
    "set_sync_policy",
    "sync_course",
    "sync_course_from_platform",
    "sync_result_to_dict",
    "undo_sync",
]

log = logging.getLogger(__name__)

# Functions other applets register: given a course and usage keys, return those that carry
# questions, assessments or learner attempts (archiving them is "destructive").
NodeUsageCheck = Callable[[CourseKey, set[UsageKey]], set[UsageKey]]
_node_usage_checks: list[NodeUsageCheck] = []

AUTOMATIC_TRIGGERS_PREFIXES = ("course_published", "org.openedx.", "signal", "task", "webhook:")
#: The trigger of a sync asked for by a signed course-publish webhook (``webhooks.handlers``).
WEBHOOK_PUBLISH_TRIGGER = "webhook:course.published"


def is_publish_trigger(trigger: str) -> bool:
    """A sync scheduled by a publish (the modulestore's signal, an openedx-events authoring event, a webhook)."""
    return trigger in ("course_published", WEBHOOK_PUBLISH_TRIGGER) or trigger.startswith(
        "org.openedx.content_authoring."
    )


def schedule_sync(course_key: CourseKey, *, trigger: str) -> None:
    """One sync of the course from the configured source, after the current transaction commits (debounced)."""
    from .receivers import schedule_sync as schedule

    schedule(course_key, trigger)


def register_node_usage_check(check: NodeUsageCheck) -> None:
    if check not in _node_usage_checks:
        _node_usage_checks.append(check)


def get_outline_source(name: str | None = None, *, path: str | None = None) -> sources.OutlineSource:
    """An outline source by name ("olx" needs ``path``); None means VE_EDU_VAULT_OUTLINE_SOURCE."""
    return source_registry.get_source(name, path=path)


# --- syncing ------------------------------------------------------------------------------------


def _state(course_key: CourseKey) -> SyncState:
    return store.lock_state(course_key)


def _rows(course_key: CourseKey) -> dict[UsageKey, NodeRow]:
    return load_rows(course_key)


def _split(rows: dict[UsageKey, NodeRow]) -> tuple[list[OutlineNode], dict[UsageKey, OutlineNode]]:
    active: list[OutlineNode] = []
    archived: dict[UsageKey, OutlineNode] = {}
    parse = KeyParser(next(iter(rows.values())).course_key) if rows else UsageKey.from_string
    for key, row in rows.items():
        node = row_to_node(row, parse)
        if row.state == store.ACTIVE:
            active.append(node)
        else:
            archived[key] = node
    active.sort(key=lambda node: (node.kind.depth, node.position))
    return active, archived


def _node_counts(rows: Iterable[NodeRow]) -> dict[str, int]:
    counts = {"topic": 0, "subtopic": 0, "objective": 0}
    for row in rows:
        if row.state == store.ACTIVE:
            counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts


def _nodes_in_use(course_key: CourseKey, change_set: ChangeSet) -> set[UsageKey]:
    removed = {change.usage_key for change in change_set.of_kind(ChangeKind.REMOVE)}
    in_use: set[UsageKey] = set()
    for check in _node_usage_checks:
        if removed:
            in_use |= check(course_key, removed)
    return in_use


def _read(course_key: CourseKey, source: sources.OutlineSource) -> CourseOutline:
    try:
        outline = source.read(course_key)
    except (sources.OutlineSourceError, OlxError) as exc:
        raise source_registry.as_vault_error(exc) from exc
    if outline.course_key != course_key:
        raise ValidationError(f"The outline is of course {outline.course_key}, not {course_key}.", field="course_key")
    return outline


def _record(course_key: CourseKey, source: str, trigger: str, outline: CourseOutline, **fields: Any) -> SyncRecordData:
    return store.create_record(
        course_key=course_key,
        source=source,
        trigger=trigger,
        outline_version=outline.version,
        outline_published_at=outline.published_at,
        finished=timezone.now(),
        **fields,
    )


def sync_course(
    course_key: CourseKey,
    *,
    source: sources.OutlineSource | str | None = None,
    path: str | None = None,
    trigger: str = "manual",
    dry_run: bool = False,
    requested_by: Any = None,
    respect_pause: bool = False,
    wait_for_new_version: bool = False,
) -> SyncResult:
    """
    Read the published outline from ``source`` and bring the mirror in line with it.

    Returns what was done; a dry run computes the changes and writes nothing. With
    ``wait_for_new_version``, an outline whose version is the one last applied means the source does
    not show the publish yet: status "waiting", nothing written (the caller tries again later).
    """
    if not isinstance(source, sources.OutlineSource):
        source = get_outline_source(source, path=path)
    started = time.perf_counter()
    try:
        outline = _read(course_key, source)
    except VaultError as exc:
        if not dry_run:
            _record_failure(course_key, source.name, trigger, exc)
        raise
    read_s = time.perf_counter() - started
    set_custom_attribute("ve_edu_vault.sync.course_key", str(course_key))

    with transaction.atomic():
        state = _state(course_key)
        base: dict[str, Any] = {"course_key": course_key, "outline_version": outline.version, "source": source.name}
        skip_reason = None
        if respect_pause and state.paused:
            skip_reason = f"Automatic sync is paused for this course: {state.paused_reason}"
        elif outline.published_at and state.last_published_at and outline.published_at < state.last_published_at:
            skip_reason = f"Outline published at {outline.published_at} is older than the last applied one."
        if skip_reason is None and wait_for_new_version and state.last_version == outline.version:
            return SyncResult(
                sync_id=None,
                status="waiting",
                change_set=ChangeSet(course_key=course_key),
                nodes={},
                message=f"The source still serves version {outline.version}, the one last applied.",
                **base,
            )
        if skip_reason is not None:
            record = _record(course_key, source.name, trigger, outline, status=store.SKIPPED, message=skip_reason)
            return SyncResult(
                sync_id=record.id,
                status="skipped",
                change_set=ChangeSet(course_key=course_key),
                nodes=_node_counts(_rows(course_key).values()),
                message=skip_reason,
                **base,
            )

        rows = _rows(course_key)
        active, archived = _split(rows)
        diff_started = time.perf_counter()
        change_set = diff_outlines(active, outline, archived=archived)
        diff_s = time.perf_counter() - diff_started
        timings = {"read_ms": read_s * 1000, "diff_ms": diff_s * 1000}

        if dry_run:
            return SyncResult(
                sync_id=None,
                status="dry_run",
                change_set=change_set,
                nodes=_node_counts(rows.values()),
                timings=timings,
                **base,
            )
        if change_set.is_empty:
            store.save_state(
                replace(
                    state,
                    last_heartbeat_at=timezone.now(),
                    last_version=outline.version,
                    last_published_at=outline.published_at or state.last_published_at,
                )
            )
            return SyncResult(
                sync_id=None,
                status="unchanged",
                change_set=change_set,
                nodes=_node_counts(rows.values()),
                timings=timings,
                **base,
            )

        if state.policy == store.HOLD_DESTRUCTIVE:
            in_use = _nodes_in_use(course_key, change_set)
            if in_use:
                existing = store.find_record(
                    course_key, statuses=(store.HELD, store.REJECTED), outline_version=outline.version
                )
                if existing is None:
                    message = (
                        f"Held for review: would archive {len(in_use)} node(s) that carry learner or authored data."
                    )
                    existing = _record(
                        course_key,
                        source.name,
                        trigger,
                        outline,
                        status=store.HELD,
                        counts=change_set.counts(),
                        changes=change_set_to_list(change_set),
                        timings=timings,
                        message=message,
                        requested_by_id=_user_id(requested_by),
                    )
                return SyncResult(
                    sync_id=existing.id,
                    status=existing.status,
                    change_set=change_set,
                    nodes=_node_counts(rows.values()),
                    message=existing.message,
                    timings=timings,
                    **base,
                )

        apply_started = time.perf_counter()
        now = timezone.now()
        apply_change_set(change_set, rows, now=now)
        timings["apply_ms"] = (time.perf_counter() - apply_started) * 1000
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        record = _record(
            course_key,
            source.name,
            trigger,
            outline,
            status=store.APPLIED,
            counts=change_set.counts(),
            changes=change_set_to_list(change_set),
            timings=timings,
            requested_by_id=_user_id(requested_by),
        )
        store.save_state(
            replace(
                state,
                last_version=outline.version,
                last_published_at=outline.published_at or state.last_published_at,
                last_heartbeat_at=now,
            )
        )
        _after_commit(course_key, record.id)
        return SyncResult(
            sync_id=record.id,
            status="applied",
            change_set=change_set,
            nodes=_node_counts(rows.values()),
            timings=timings,
            **base,
        )


def preview_sync(
    course_key: CourseKey, *, source: sources.OutlineSource | str | None = None, path: str | None = None
) -> SyncResult:
    """The changes a sync would apply now, without applying them."""
    return sync_course(course_key, source=source, path=path, dry_run=True, trigger="preview")


def sync_course_from_platform(
    course_key: CourseKey, *, trigger: str = "task", wait_for_new_version: bool = False
) -> SyncResult:
    """What the Celery task runs: the configured source, respecting a paused course."""
    return sync_course(course_key, trigger=trigger, respect_pause=True, wait_for_new_version=wait_for_new_version)


def _record_failure(course_key: CourseKey, source: str, trigger: str, exc: VaultError) -> None:
    """
    A failed read leaves the mirror untouched but is visible in the course's sync history.

    Only for courses the vault already knows: a mistyped key must not start a history of its own.
    """
    if not store.has_state(course_key):
        return
    store.create_record(
        course_key=course_key,
        source=source,
        trigger=trigger,
        status=store.FAILED,
        message=f"{exc.code}: {exc.message}",
        finished=timezone.now(),
    )


def _user_id(user: Any) -> int | None:
    return int(user.pk) if getattr(user, "is_authenticated", False) else None


def _after_commit(course_key: CourseKey, sync_id: int) -> None:
    """In the sync's transaction: the ``course.synced`` event (webhook outbox), and ``COURSE_SYNCED`` after commit."""
    record_event("course.synced", course_key=course_key, data={"sync_id": sync_id}, sender=store.SIGNAL_SENDER)
    send_on_commit(COURSE_SYNCED, sender=store.SIGNAL_SENDER, course_key=course_key, sync_id=sync_id)


# --- review, undo ---------------------------------------------------------------------------------


def _check_state(change_set: ChangeSet, rows: dict[UsageKey, NodeRow]) -> list[dict[str, str]]:
    """Changes whose node no longer holds the state the change set expects (first change per node)."""
    conflicts: list[dict[str, str]] = []
    seen: set[UsageKey] = set()
    for change in change_set.changes:
        if change.usage_key in seen:
            continue
        seen.add(change.usage_key)
        row = rows.get(change.usage_key)
        if change.kind is ChangeKind.ADD:
            ok = row is None or row.state == store.ARCHIVED
        elif change.kind is ChangeKind.RESTORE:
            ok = row is not None and row.state == store.ARCHIVED and row_to_node(row) == change.before
        else:
            ok = row is not None and row.state == store.ACTIVE and row_to_node(row) == change.before
        if not ok:
            conflicts.append(
                {"kind": change.kind.value, "usage_key": str(change.usage_key), "reason": "the node has changed since"}
            )
    return conflicts


def _locked_record(sync_id: int) -> tuple[SyncRecordData, SyncState]:
    record = store.get_record(sync_id)
    if record is None:
        raise NotFoundError(f"Sync {sync_id} does not exist.")
    state = _state(record.course_key)  # take the course lock first, then re-read the record under it
    locked = store.get_record(sync_id, lock=True)
    if locked is None:  # records are never deleted; kept for the type checker
        raise NotFoundError(f"Sync {sync_id} does not exist.")
    return locked, state


def undo_sync(sync_id: int, *, requested_by: Any = None) -> SyncResult:
    """
    Undo an applied sync, restoring the mirror exactly as it was before it, and pause auto sync.

    Refused (ConflictError, with the conflicting changes) when a later sync changed its nodes.
    """
    with transaction.atomic():
        record, state = _locked_record(sync_id)
        course_key = record.course_key
        if record.status != store.APPLIED:
            raise ConflictError(f"Sync {sync_id} is {record.status}; only an applied sync can be undone.")
        if record.undo_of_id is not None:
            raise ConflictError(f"Sync {sync_id} is itself an undo; resume syncing to bring the course up to date.")
        keys = {item["usage_key"] for item in record.changes}
        conflicts = [
            {"sync_id": later.id, "kind": item["kind"], "usage_key": item["usage_key"]}
            for later in store.applied_after(course_key, record.id)
            for item in later.changes
            if item["usage_key"] in keys
        ]
        if conflicts:
            raise ConflictError(
                f"Sync {sync_id} cannot be undone: later syncs changed {len(conflicts)} of its nodes.",
                details={"conflicts": conflicts},
            )
        forward = change_set_from_list(course_key, record.changes)
        inverse = invert_change_set(forward)
        rows = _rows(course_key)
        state_conflicts = _check_state(inverse, rows)
        if state_conflicts:
            raise ConflictError(
                f"Sync {sync_id} cannot be undone: the mirror has changed since.",
                details={"conflicts": state_conflicts},
            )
        now = timezone.now()
        apply_change_set(inverse, rows, now=now)
        undo = store.create_record(
            course_key=course_key,
            source="undo",
            trigger=f"undo of sync {sync_id}",
            outline_version=record.outline_version,
            status=store.APPLIED,
            counts=inverse.counts(),
            changes=change_set_to_list(inverse),
            undo_of_id=record.id,
            requested_by_id=_user_id(requested_by),
            finished=now,
        )
        store.update_record(sync_id, status=store.UNDONE)
        audit.record(
            audit.SYNC_UNDONE,
            object_type="sync",
            object_id=sync_id,
            course_key=course_key,
            actor=requested_by,
            details={"undo_sync_id": undo.id, "counts": inverse.counts()},
        )
        store.save_state(replace(state, paused=True, paused_reason=f"sync {sync_id} was undone (sync {undo.id})"))
        _after_commit(course_key, undo.id)
        return SyncResult(
            sync_id=undo.id,
            course_key=course_key,
            outline_version=record.outline_version,
            status="undone",
            change_set=inverse,
            nodes=_node_counts(rows.values()),
            source="undo",
        )


def approve_held_sync(sync_id: int, *, requested_by: Any = None) -> SyncResult:
    """Apply a change set held for review, if the mirror still holds the state it was computed from."""
    with transaction.atomic():
        record, state = _locked_record(sync_id)
        if record.status != store.HELD:
            raise ConflictError(f"Sync {sync_id} is {record.status}, not held for review.")
        change_set = change_set_from_list(record.course_key, record.changes)
        rows = _rows(record.course_key)
        conflicts = _check_state(change_set, rows)
        if conflicts:
            raise ConflictError(
                f"Sync {sync_id} is out of date: sync the course again.", details={"conflicts": conflicts}
            )
        now = timezone.now()
        apply_change_set(change_set, rows, now=now)
        message = f"Approved by {getattr(requested_by, 'username', 'staff')} at {now.isoformat()}."
        record = store.update_record(sync_id, status=store.APPLIED, message=message, finished=now)
        store.save_state(
            replace(
                state,
                last_version=record.outline_version,
                last_published_at=record.outline_published_at or state.last_published_at,
            )
        )
        _after_commit(record.course_key, record.id)
        return SyncResult(
            sync_id=record.id,
            course_key=record.course_key,
            outline_version=record.outline_version,
            status="applied",
            change_set=change_set,
            nodes=_node_counts(rows.values()),
            source=record.source,
        )


def reject_held_sync(sync_id: int, *, requested_by: Any = None) -> SyncRecordData:
    """Reject a held change set: nothing is applied; the same outline version is not held again."""
    with transaction.atomic():
        record, _locked_state = _locked_record(sync_id)
        if record.status != store.HELD:
            raise ConflictError(f"Sync {sync_id} is {record.status}, not held for review.")
        message = f"Rejected by {getattr(requested_by, 'username', 'staff')}."
        return store.update_record(sync_id, status=store.REJECTED, message=message)


def set_sync_policy(course_key: CourseKey, policy: str) -> CourseSyncSettings:
    if policy not in store.POLICIES:
        raise ValidationError(f"Unknown policy {policy!r}.", field="policy")
    with transaction.atomic():
        store.save_state(replace(_state(course_key), policy=policy))
    return get_sync_settings(course_key)


def resume_auto_sync(course_key: CourseKey) -> CourseSyncSettings:
    with transaction.atomic():
        store.save_state(replace(_state(course_key), paused=False, paused_reason=""))
    return get_sync_settings(course_key)


def get_sync_settings(course_key: CourseKey) -> CourseSyncSettings:
    state = store.get_state(course_key)
    return CourseSyncSettings(
        course_key=course_key,
        policy=state.policy,
        paused=state.paused,
        paused_reason=state.paused_reason,
        last_version=state.last_version,
        last_heartbeat_at=state.last_heartbeat_at,
    )


# --- reading ------------------------------------------------------------------------------------


def list_sync_records(course_key: CourseKey, *, limit: int | None = None) -> list[SyncRecordData]:
    return store.list_records(course_key, limit=limit)


def get_sync_record(sync_id: int) -> SyncRecordData:
    record = store.get_record(sync_id)
    if record is None:
        raise NotFoundError(f"Sync {sync_id} does not exist.")
    return record


def get_outline_tree(course_key: CourseKey, *, include_archived: bool = False) -> list[CourseNodeData]:
    """The mirror as a tree of topics > subtopics > objectives, in published order."""
    nodes = store.course_nodes(course_key)
    if not include_archived:
        nodes = [node for node in nodes if not node.archived]
    by_parent: dict[UsageKey | None, list[CourseNodeData]] = {}
    keys = {node.usage_key for node in nodes}
    for node in nodes:
        parent = node.parent_key if node.parent_key in keys else None
        if parent is None and node.kind != "topic" and not include_archived:
            continue
        by_parent.setdefault(parent, []).append(node)

    def build(parent: UsageKey | None) -> tuple[CourseNodeData, ...]:
        children = sorted(by_parent.get(parent, []), key=lambda node: (node.archived, node.position))
        return tuple(replace(node, children=build(node.usage_key)) for node in children)

    return list(build(None))


def outline_options(course_key: CourseKey) -> list[OutlineOption]:
    """The mirror flattened in outline order for a course-node ``<select>`` (question and assessment pages)."""
    options: list[OutlineOption] = []

    def walk(nodes: Iterable[CourseNodeData], path: tuple[str, ...]) -> None:
        for node in nodes:
            name = node.display_name or str(node.usage_key)
            options.append(
                OutlineOption(
                    usage_key=str(node.usage_key),
                    name=name,
                    kind=node.kind,
                    depth=len(path),
                    path=" / ".join((*path, name)),
                )
            )
            walk(node.children, (*path, name))

    walk(get_outline_tree(course_key), ())
    return options


def get_nodes(usage_keys: Iterable[UsageKey | str]) -> dict[str, CourseNodeData]:
    """The mirror's nodes among ``usage_keys``, by ``str(usage_key)``, in one read (unknown keys left out)."""
    keys = {str(key) for key in usage_keys}
    return {str(node.usage_key): node for node in store.nodes_by_usage_key(keys)}


def get_nodes_by_id(node_ids: Iterable[int]) -> dict[int, CourseNodeData]:
    """The mirror's nodes among ``node_ids``, by id, in one read (unknown ids left out)."""
    return store.nodes_by_id(node_ids)


#: A node as another applet's ORM repository selects it in its own join: ``NODE.through("question__node")``
#: gives the ``values_list`` lookups and reads them back (``ve_edu_vault/projection.py``).
NODE = store.NODE


def get_node(usage_key: UsageKey) -> CourseNodeData:
    node = store.node_by_usage_key(usage_key)
    if node is None:
        raise NotFoundError(f"No node {usage_key} in the vault.")
    return node
