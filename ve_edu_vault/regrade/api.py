"""
Public Python API of bulk regrades: plan (dry run), run in batches, resume, and read the audit record.

TLDR: ``plan`` records a ``RegradeRun`` with the dry run's report (per learner: old and new scores, the responses
that change, and what changed between the versions' answer keys). ``start`` queues the ``run_regrade`` task;
``run_batches`` is what the task does: batches in response id order, each one transaction that writes the new
grades, the attempts' totals, one ``RegradeItem`` per response and the run's cursor together. A worker killed
mid-batch rolls that batch back; ``start`` again (or the task redelivered) continues after the cursor, and the
unique (run, response) item makes a second regrade of a response in the same run impossible.

The dry run and the run share every computation (``grading.py``), which is why the dry run predicts
exactly what the run does: same rows, same grader, same penalties, same totals.

After the last batch: the platform grade is reported again and mastery is recomputed for every affected learner.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.assessments import api as assessments  # noqa: F401  (registers the mastery replay source)
from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import ConflictError, NotFoundError, ValidationError
from ve_edu_vault.hooks.signals import REGRADE_FINISHED, record_event, send_on_commit
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data_api import QuestionVersionData

from . import grading as regrading
from . import store
from .data import FAILED, PLANNED, QUEUED, RUNNING, SUCCEEDED, RegradeRunData

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "RegradeRunData",
    "get_run",
    "key_diff",
    "list_runs",
    "plan",
    "run_batches",
    "start",
]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 10000
#: A dry run lists at most this many changed responses (counts stay exact); the report lives in one JSON column.
REPORT_DETAIL_LIMIT = 20000


def _parts(version: QuestionVersionData) -> dict[str, dict[str, Any]]:
    return {str(part.get("id")): part for part in version.content.get("parts") or []}


def key_diff(old: QuestionVersionData, new: QuestionVersionData) -> list[dict[str, Any]]:
    """What changed between two versions for grading: each part's answer key, type, weight; the points."""
    changes: list[dict[str, Any]] = []
    old_parts, new_parts = _parts(old), _parts(new)
    for part_id in sorted(set(old_parts) | set(new_parts)):
        before, after = old_parts.get(part_id), new_parts.get(part_id)
        if before is None or after is None:
            changes.append({"part_id": part_id, "change": "added" if before is None else "removed"})
            continue
        for field in ("answer_key", "type", "weight"):
            if before.get(field) != after.get(field):
                changes.append({"part_id": part_id, "field": field, "from": before.get(field), "to": after.get(field)})
    if old.points != new.points:
        changes.append({"field": "points", "from": old.points, "to": new.points, "note": "responses keep their points"})
    return changes


def _versions(question_id: int, course_key: CourseKey | None, to_version_id: int | None) -> tuple[Any, Any, list[Any]]:
    question = questions.get_question(question_id, course_key=course_key)
    versions = questions.list_versions(question_id)
    target = (
        question.current_version
        if to_version_id is None
        else next((version for version in versions if version.id == to_version_id), None)
    )
    if target is None:
        raise NotFoundError(f"No version {to_version_id} of question {question_id}.", field="to_version_id")
    older = [version for version in versions if version.number < target.number]
    if not older:
        raise ValidationError("The question has no earlier version to regrade from.", field="to_version_id")
    return question, target, older


def _username(user_id: int, cache: dict[int, str]) -> str:
    if user_id not in cache:
        cache[user_id] = store.username(user_id)
    return cache[user_id]


def dry_run_report(run: RegradeRunData, *, detail_limit: int = REPORT_DETAIL_LIMIT) -> dict[str, Any]:
    """
    What the run will do, per learner: each changed response and attempt, old and new; the key diff.

    An attempt whose grade staff changed by hand keeps its stored total (the run does not recompute it): its old and
    new scores are that total, and ``changed_by_hand`` says so.

    Past ``detail_limit`` changed responses the report keeps counting but stops listing (``truncated``), so a
    regrade of a million responses still has a report a browser can show.
    """
    target = questions.get_version(run.to_version_id)
    content = target.to_content()
    contexts: dict[int, Any] = {}
    graded: dict[str, Any] = {}
    names: dict[int, str] = {}
    learners: dict[int, dict[str, Any]] = {}
    total = changed = listed = 0
    cursor = 0
    while True:
        rows = regrading.affected_rows(run.from_version_ids, after_id=cursor, limit=run.batch_size)
        if not rows:
            break
        cursor = rows[-1].id
        total += len(rows)
        grades = regrading.new_grades(rows, content, contexts=contexts, graded=graded)
        overrides = {grade.response_id: grade.score for grade in grades}
        by_id = {row.id: row for row in rows}
        moved = [grade for grade in grades if regrading.written(by_id[grade.response_id], grade)]
        changed += len(moved)
        moved = moved[: max(0, detail_limit - listed)]
        listed += len(moved)
        attempt_ids = {by_id[grade.response_id].attempt_id for grade in moved}
        # As the run does: an attempt changed by hand keeps its stored total, before and after.
        by_hand = regrading.changed_by_hand(attempt_ids)
        kept = regrading.stored_totals(by_hand)
        before = {
            item.attempt_id: item
            for item in [*regrading.attempt_totals(attempt_ids - by_hand, contexts=contexts), *kept]
        }
        after = [
            *regrading.attempt_totals(attempt_ids - by_hand, overrides=overrides, contexts=contexts),
            *kept,
        ]
        for grade in moved:
            row = by_id[grade.response_id]
            entry = learners.setdefault(
                row.user_id,
                {"user_id": row.user_id, "username": _username(row.user_id, names), "responses": [], "attempts": []},
            )
            entry["responses"].append(
                {
                    "response_id": row.id,
                    "attempt_id": row.attempt_id,
                    "from_version_id": row.question_version_id,
                    "old_score": row.score,
                    "new_score": grade.score,
                    "old_correct": row.correct,
                    "new_correct": grade.correct,
                }
            )
        for item in after:
            old = before[item.attempt_id]
            learners[item.user_id]["attempts"].append(
                {
                    "attempt_id": item.attempt_id,
                    "assessment_id": item.assessment_id,
                    "old_score": old.score,
                    "new_score": item.score,
                    "old_passed": old.passed,
                    "new_passed": item.passed,
                    "changed_by_hand": item.attempt_id in by_hand,
                }
            )
    diffs = {
        str(version_id): key_diff(questions.get_version(version_id), target) for version_id in run.from_version_ids
    }
    return {
        "question_id": run.question_id,
        "to_version_id": run.to_version_id,
        "from_version_ids": list(run.from_version_ids),
        "total": total,
        "changed": changed,
        "truncated": listed < changed,
        "key_diff": diffs,
        "learners": [learners[user_id] for user_id in sorted(learners)],
    }


def plan(
    question_id: int,
    *,
    course_key: CourseKey | None = None,
    to_version_id: int | None = None,
    requested_by: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RegradeRunData:
    """
    The dry run: record a planned run and its report; nothing is regraded until ``start``.

    ``to_version_id`` is the corrected version (default: the question's current one); every response pinned to
    an earlier version of the question, in a graded attempt, is affected.
    """
    if batch_size < 1:
        raise ValidationError("The batch size must be at least 1.", field="batch_size")
    question, target, older = _versions(question_id, course_key, to_version_id)
    user_id = getattr(requested_by, "pk", None) if getattr(requested_by, "is_authenticated", False) else None
    with transaction.atomic():
        run = store.create_run(
            course_key=question.course_key,
            question_id=question.id,
            to_version_id=target.id,
            from_version_ids=[version.id for version in older],
            status=PLANNED,
            batch_size=batch_size,
            requested_by_id=user_id,
        )
        report = dry_run_report(run.data)
        store.update_run(run.data.id, report=report, total=report["total"])
        return store.get_run(run.data.id).data


def start(
    run_id: int, *, course_key: CourseKey | None = None, batch_delay: float = 0.0, requested_by: Any = None
) -> RegradeRunData:
    """Queue the run (a planned one, or resume one that stopped); a finished run is refused. Audited."""
    with transaction.atomic():
        run = store.get_run(run_id, course_key, lock=True).data
        if run.status == SUCCEEDED:
            raise ConflictError("This regrade has already finished.")
        audit.record(
            audit.REGRADE_STARTED,
            object_type="regrade",
            object_id=run.id,
            course_key=run.course_key,
            actor=requested_by,
            details={
                "question_id": run.question_id,
                "to_version_id": run.to_version_id,
                "from_version_ids": list(run.from_version_ids),
                "total": run.total,
                "changed": run.report.get("changed") if isinstance(run.report, dict) else None,
                "resumed_from": run.done,
                "status_before": run.status,
            },
        )
        if run.status in (PLANNED, FAILED):
            store.update_run(run.id, status=QUEUED)
            run = store.get_run(run.id).data
        from .tasks import run_regrade

        def send() -> None:
            try:
                run_regrade.delay(run.id, batch_delay=batch_delay)
            except Exception:
                # The run stays queued with its cursor; ``start`` it again when the broker is back.
                log.exception("Could not queue regrade %s", run.id)

        transaction.on_commit(send)
        return run


def get_run(run_id: int, *, course_key: CourseKey | None = None) -> RegradeRunData:
    return store.get_run(run_id, course_key).data


def list_runs(course_key: CourseKey, *, question_id: int | None = None) -> list[RegradeRunData]:
    return store.list_runs(course_key, question_id=question_id)


def _batch(run_id: int, caches: dict[str, Any]) -> bool:
    """Regrade the next batch in one transaction; False when nothing is left."""
    with transaction.atomic():
        # A second worker on the same run waits here, then sees the new cursor.
        stored = store.get_run(run_id, lock=True)
        run = stored.data
        if run.status == SUCCEEDED:
            return False
        rows = regrading.affected_rows(run.from_version_ids, after_id=stored.cursor, limit=run.batch_size)
        if not rows:
            return False
        grades = regrading.new_grades(rows, caches["content"], contexts=caches["contexts"], graded=caches["graded"])
        by_id = {row.id: row for row in rows}
        store.record_items(run.id, rows, grades)
        moved = [grade for grade in grades if regrading.written(by_id[grade.response_id], grade)]
        regrading.apply_grades(moved)
        owners = {row.attempt_id: (row.assessment_id, row.user_id) for row in rows}
        touched = {by_id[grade.response_id].attempt_id for grade in moved}
        # A grade staff set by hand stands: its responses are regraded, its total is not recomputed.
        touched -= regrading.changed_by_hand(touched)
        regrading.apply_attempt_totals(
            regrading.attempt_totals(touched, contexts=caches["contexts"], owners=owners),
            contexts=caches["contexts"],
        )
        store.update_run(run.id, cursor=rows[-1].id, done=run.done + len(rows), changed=run.changed + len(moved))
        return True


def run_batches(
    run_id: int, *, batch_delay: float = 0.0, follow_up: bool = True, on_batch: Callable[[int], None] | None = None
) -> RegradeRunData:
    """
    Run (or continue) a regrade to its end, batch by batch; what the Celery task calls.

    ``batch_delay`` (seconds between batches) exists for tests that stop a worker mid-run. ``follow_up=False``
    skips the grade hand-off and mastery replay (the benchmark times the regrade itself).
    """
    with transaction.atomic():
        run = store.get_run(run_id, lock=True).data
        if run.status == SUCCEEDED:
            return run
        store.update_run(
            run_id,
            status=RUNNING,
            dry_run=False,
            started_at=run.started_at or timezone.now(),
            total=run.total or regrading.affected_count(run.from_version_ids),
        )
    caches: dict[str, Any] = {
        "content": questions.get_version(run.to_version_id).to_content(),
        "contexts": {},
        "graded": {},
    }
    try:
        while _batch(run_id, caches):
            if on_batch is not None:
                on_batch(run_id)
            if batch_delay:
                time.sleep(batch_delay)
        if follow_up:
            _follow_up(run_id)
    except Exception as error:
        store.update_run(run_id, status=FAILED, error=f"{type(error).__name__}: {error}")
        raise
    with transaction.atomic():
        store.get_run(run_id, lock=True)
        store.update_run(run_id, status=SUCCEEDED, finished_at=timezone.now())
        finished = store.get_run(run_id).data
        _finished(finished)
        return finished


def _finished(run: RegradeRunData) -> None:
    """In the closing transaction: ``regrade.finished`` (the webhook outbox); ``REGRADE_FINISHED`` after commit."""
    facts = {"run_id": run.id, "question_id": run.question_id, "changed": run.changed}
    record_event("regrade.finished", course_key=run.course_key, data=facts, sender=RegradeRunData)
    send_on_commit(REGRADE_FINISHED, sender=RegradeRunData, course_key=run.course_key, **facts)


def _follow_up(run_id: int) -> None:
    """Grades to the platform and mastery for every affected learner (both idempotent: safe to repeat)."""
    run = store.get_run(run_id).data
    pairs = regrading.learners_of(store.attempt_ids(run_id))
    regrading.hand_off_grades(pairs)
    users = sorted({user_id for _, user_id in pairs})
    if users:
        mastery.recompute(run.course_key, user_ids=users)
