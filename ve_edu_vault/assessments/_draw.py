"""
Which questions an attempt gets: the pool from the question bank, the draw, the pinned versions.

TLDR: the draw is ``selection.draw_questions`` over the bank's active questions (a fixed list, or
every question under ``pool_node``'s subtree of the mirror), seeded by the attempt's stored seed;
each drawn question is pinned to its CURRENT version at that moment, so later edits never change a
running or finished attempt. Questions archived or without a version are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from opaque_keys.edx.keys import UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import ConflictError, NotFoundError
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data_api import QuestionData

from . import selection
from ._context import AssessmentContext
from .data import SelectionMode
from .repositories import NewResponse, get_assessment_repository, get_repository


def _subtree_keys(ctx: AssessmentContext, pool_node: str) -> set[str]:
    keys: set[str] = set()

    def collect(nodes: Iterable[CourseNodeData], inside: bool) -> None:
        for node in nodes:
            here = inside or str(node.usage_key) == pool_node
            if here:
                keys.add(str(node.usage_key))
            collect(node.children, here)

    collect(course_sync.get_outline_tree(ctx.row.course_key), False)
    return keys


def _pool(ctx: AssessmentContext) -> list[QuestionData]:
    rule = ctx.config.selection
    if rule.mode is SelectionMode.FIXED:
        found = []
        for question_id in rule.question_ids:
            try:
                found.append(questions.get_question(question_id, course_key=ctx.row.course_key))
            except NotFoundError:
                continue
        return [item for item in found if not item.archived]
    bank = questions.list_questions(ctx.row.course_key).items
    if not rule.pool_node:
        return list(bank)
    keys = _subtree_keys(ctx, rule.pool_node)
    return [item for item in bank if item.node_usage_key is not None and str(item.node_usage_key) in keys]


def _seen(ctx: AssessmentContext, user_id: int) -> dict[int, datetime]:
    rule = ctx.config.selection
    if not (rule.avoid_seen or rule.avoid_seen_in_course):
        return {}
    ids = [ctx.row.id]
    if rule.avoid_seen_in_course:
        ids = get_assessment_repository().assessment_ids(ctx.row.course_key)
    return get_repository().seen_questions(user_id, ids)


def draw_responses(ctx: AssessmentContext, *, user_id: int | None, seed: int) -> tuple[NewResponse, ...]:
    """The responses of a new attempt (or a preview, ``user_id=None``), in the order shown."""
    pool = {item.id: item for item in _pool(ctx) if item.current_version is not None}
    drawn = selection.draw_questions(
        ctx.config.selection,
        [
            selection.PoolQuestion(
                question_id=item.id,
                objective_key=str(item.node_usage_key) if item.node_usage_key else None,
                tags=tuple(item.current_version.tags) if item.current_version else (),
            )
            for item in pool.values()
        ],
        seen=_seen(ctx, user_id) if user_id is not None else {},
        seed=seed,
    )
    ids = [question_id for question_id in drawn if question_id in pool]
    if ctx.config.shuffle_questions:
        ids = list(selection.shuffled(ids, seed))
    if not ids:
        raise ConflictError("This assessment has no questions to show yet.")
    responses = []
    for position, question_id in enumerate(ids):
        version = pool[question_id].current_version
        assert version is not None  # filtered above
        responses.append(
            NewResponse(
                position=position, question_id=question_id, question_version_id=version.id, points=version.points
            )
        )
    return tuple(responses)


def usage_key_or_none(value: str | UsageKey | None) -> UsageKey | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, UsageKey) else UsageKey.from_string(str(value))
