"""
Which questions an attempt gets: a pure, seeded draw from a pool.

TLDR: ``draw_questions`` is deterministic for a seed and does not look at the database. The api
stores the seed on the attempt, so the same attempt can always be rebuilt (and audited) from the
pool, the learner's history and the seed.

The draw, for a random rule:

1. The pool is split into groups: the whole pool (``per=none``), one group per objective
   (``per=objective``; questions without an objective belong to no objective and are left out),
   or one group per tag in ``rule.tags``, in the rule's order (``per=tag``).
2. From each group, ``count`` questions: first the questions the learner has not seen, in a
   seeded random order; when those run out, the least recently seen (oldest ``seen`` time first,
   ties in seeded random order). A question already drawn for an earlier group is not drawn
   again, so a question with two tags counts for the first tag that takes it.
3. A group smaller than ``count`` gives all it has: the caller decides whether a short draw is
   acceptable (the api warns authors when the pool is too small).

Why the pool is sorted by question id before drawing: the database returns rows in no promised
order, and the same seed must give the same questions whatever order the pool arrives in.

``seen`` is ignored when the rule neither avoids seen questions in this assessment nor in the
course: the caller may pass the history unconditionally. Which history ``seen`` holds (this
assessment, or the whole course) is the caller's choice, per ``avoid_seen_in_course``.

Order of the result is draw order (group by group); shuffling for display is ``shuffled``,
a separate step so that a fixed selection can be shuffled too.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from ve_edu_vault.assessments.data import DrawPer, SelectionMode, SelectionRule

__all__ = ["PoolQuestion", "draw_questions", "shuffled"]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class PoolQuestion:
    """
    A question available to a random draw, with what the draw groups by.

    Not keyword-only: the api builds thousands of these from query rows, positionally or by name.
    """

    question_id: int
    objective_key: str | None = None
    tags: tuple[str, ...] = ()


def draw_questions(
    rule: SelectionRule,
    pool: Sequence[PoolQuestion],
    *,
    seen: Mapping[int, datetime],
    seed: int,
) -> tuple[int, ...]:
    """
    The question ids of a new attempt, in draw order.

    A fixed rule returns ``rule.question_ids`` as given (the caller validated them against the
    bank). A random rule draws as the module docstring explains.
    """
    if rule.mode is SelectionMode.FIXED:
        return tuple(rule.question_ids)

    rng = random.Random(seed)
    history: Mapping[int, datetime] = seen if (rule.avoid_seen or rule.avoid_seen_in_course) else {}
    drawn: list[int] = []
    taken: set[int] = set()
    for group in _groups(rule, _unique_sorted(pool)):
        candidates = [question_id for question_id in group if question_id not in taken]
        for question_id in _draw_group(candidates, rule.count, history, rng):
            drawn.append(question_id)
            taken.add(question_id)
    return tuple(drawn)


def shuffled(items: Iterable[_T], seed: int | str) -> tuple[_T, ...]:
    """``items`` in a random order that depends only on ``seed`` (the attempt's, stored with it)."""
    result = list(items)
    random.Random(seed).shuffle(result)
    return tuple(result)


def _unique_sorted(pool: Sequence[PoolQuestion]) -> list[PoolQuestion]:
    """The pool once per question id (first occurrence wins), ordered by id for determinism."""
    by_id: dict[int, PoolQuestion] = {}
    for question in pool:
        by_id.setdefault(question.question_id, question)
    return [by_id[question_id] for question_id in sorted(by_id)]


def _groups(rule: SelectionRule, pool: list[PoolQuestion]) -> list[list[int]]:
    if rule.per is DrawPer.OBJECTIVE:
        by_objective: dict[str, list[int]] = {}
        for question in pool:
            if question.objective_key is not None:
                by_objective.setdefault(question.objective_key, []).append(question.question_id)
        return [by_objective[key] for key in sorted(by_objective)]
    if rule.per is DrawPer.TAG:
        return [[question.question_id for question in pool if tag in question.tags] for tag in rule.tags]
    return [[question.question_id for question in pool]]


def _draw_group(candidates: list[int], count: int, seen: Mapping[int, datetime], rng: random.Random) -> list[int]:
    unseen = [question_id for question_id in candidates if question_id not in seen]
    rng.shuffle(unseen)
    if len(unseen) >= count:
        return unseen[:count]
    again = [question_id for question_id in candidates if question_id in seen]
    rng.shuffle(again)
    again.sort(key=lambda question_id: seen[question_id])  # stable: equal times keep the seeded order
    return unseen + again[: count - len(unseen)]
