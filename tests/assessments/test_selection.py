"""The seeded question draw: deterministic, no duplicates, unseen questions first."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ve_edu_vault.assessments.data import DrawPer, SelectionMode, SelectionRule
from ve_edu_vault.assessments.selection import PoolQuestion, draw_questions, shuffled

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def random_rule(count: int, per: DrawPer = DrawPer.NONE, tags: tuple[str, ...] = (), **kw: bool) -> SelectionRule:
    return SelectionRule(mode=SelectionMode.RANDOM, count=count, per=per, tags=tags, **kw)


def pool_of(*ids: int) -> list[PoolQuestion]:
    return [PoolQuestion(question_id=i, objective_key=None, tags=()) for i in ids]


# --- examples -------------------------------------------------------------------------


def test_fixed_returns_ids_as_given() -> None:
    rule = SelectionRule(mode=SelectionMode.FIXED, question_ids=(9, 2, 5))
    assert draw_questions(rule, [], seen={2: T0}, seed=1) == (9, 2, 5)


def test_pool_question_accepts_positional_fields() -> None:
    assert PoolQuestion(1, "obj", ("a",)) == PoolQuestion(question_id=1, objective_key="obj", tags=("a",))


def test_random_draws_count_and_is_deterministic() -> None:
    pool = pool_of(*range(1, 21))
    first = draw_questions(random_rule(5), pool, seen={}, seed=42)
    assert len(first) == len(set(first)) == 5
    assert draw_questions(random_rule(5), pool, seen={}, seed=42) == first
    assert draw_questions(random_rule(5), list(reversed(pool)), seen={}, seed=42) == first  # pool order irrelevant


def test_different_seeds_give_different_draws() -> None:
    pool = pool_of(*range(1, 51))
    draws = {draw_questions(random_rule(5), pool, seen={}, seed=seed) for seed in range(20)}
    assert len(draws) > 1


def test_small_pool_gives_everything() -> None:
    assert sorted(draw_questions(random_rule(10), pool_of(1, 2, 3), seen={}, seed=0)) == [1, 2, 3]
    assert draw_questions(random_rule(3), [], seen={}, seed=0) == ()


def test_duplicate_pool_entries_are_drawn_once() -> None:
    pool = pool_of(1, 1, 2, 2)
    assert sorted(draw_questions(random_rule(4), pool, seen={}, seed=0)) == [1, 2]


def test_unseen_first_then_least_recently_seen() -> None:
    pool = pool_of(1, 2, 3, 4, 5)
    seen = {1: T0 + timedelta(days=3), 2: T0 + timedelta(days=1), 3: T0 + timedelta(days=2)}
    drawn = draw_questions(random_rule(4), pool, seen=seen, seed=7)
    assert set(drawn[:2]) == {4, 5}
    assert drawn[2:] == (2, 3)  # oldest seen first


def test_all_seen_draws_oldest() -> None:
    pool = pool_of(1, 2, 3)
    seen = {1: T0 + timedelta(hours=2), 2: T0, 3: T0 + timedelta(hours=1)}
    assert draw_questions(random_rule(2), pool, seen=seen, seed=3) == (2, 3)


def test_seen_is_ignored_when_the_rule_does_not_avoid_it() -> None:
    pool = pool_of(*range(1, 11))
    seen = dict.fromkeys(range(1, 10), T0)  # only question 10 unseen
    rule = random_rule(1, avoid_seen=False, avoid_seen_in_course=False)
    draws = {draw_questions(rule, pool, seen=seen, seed=seed) for seed in range(40)}
    assert len(draws) > 1


def test_avoid_seen_in_course_alone_still_uses_history() -> None:
    rule = random_rule(1, avoid_seen=False, avoid_seen_in_course=True)
    assert draw_questions(rule, pool_of(1, 2), seen={1: T0}, seed=0) == (2,)


def test_per_objective_draws_count_from_each_objective() -> None:
    pool = [
        PoolQuestion(1, "obj-a", ()),
        PoolQuestion(2, "obj-a", ()),
        PoolQuestion(3, "obj-a", ()),
        PoolQuestion(4, "obj-b", ()),
        PoolQuestion(5, "obj-b", ()),
        PoolQuestion(6, None, ()),  # in no objective: not drawn per objective
    ]
    drawn = draw_questions(random_rule(2, DrawPer.OBJECTIVE), pool, seen={}, seed=5)
    assert len(drawn) == 4
    assert set(drawn[:2]) <= {1, 2, 3}  # objectives in key order
    assert set(drawn[2:]) == {4, 5}
    assert 6 not in drawn


def test_per_tag_draws_in_rule_order_without_duplicates() -> None:
    pool = [
        PoolQuestion(1, None, ("easy", "algebra")),
        PoolQuestion(2, None, ("easy",)),
        PoolQuestion(3, None, ("algebra",)),
        PoolQuestion(4, None, ("other",)),
    ]
    for seed in range(30):
        drawn = draw_questions(random_rule(1, DrawPer.TAG, ("algebra", "easy")), pool, seen={}, seed=seed)
        assert len(drawn) == len(set(drawn)) == 2
        assert drawn[0] in {1, 3}
        assert drawn[1] in {1, 2} and drawn[1] != drawn[0]


def test_per_tag_group_exhausted_by_earlier_tags_gives_less() -> None:
    pool = [PoolQuestion(1, None, ("a", "b"))]
    assert draw_questions(random_rule(1, DrawPer.TAG, ("a", "b")), pool, seen={}, seed=0) == (1,)


def test_shuffled_is_deterministic_and_a_permutation() -> None:
    items = list(range(30))
    assert shuffled(items, 11) == shuffled(items, 11)
    assert sorted(shuffled(items, 11)) == items
    assert shuffled(items, 11) != shuffled(items, 12)
    assert shuffled((), 1) == ()
    assert shuffled(iter("abc"), "attempt-1") == shuffled("abc", "attempt-1")


# --- properties -----------------------------------------------------------------------

pools = st.lists(
    st.builds(
        PoolQuestion,
        question_id=st.integers(1, 60),
        objective_key=st.sampled_from([None, "o1", "o2", "o3"]),
        tags=st.lists(st.sampled_from(["t1", "t2", "t3"]), unique=True, max_size=3).map(tuple),
    ),
    max_size=40,
    unique_by=lambda question: question.question_id,
)
seens = st.dictionaries(st.integers(1, 60), st.integers(0, 100).map(lambda h: T0 + timedelta(hours=h)), max_size=40)
rules = st.builds(
    random_rule,
    count=st.integers(1, 12),
    per=st.sampled_from(list(DrawPer)),
    tags=st.lists(st.sampled_from(["t1", "t2", "t3", "t4"]), unique=True, min_size=1, max_size=3).map(tuple),
)


def groups(rule: SelectionRule, pool: list[PoolQuestion]) -> list[set[int]]:
    if rule.per is DrawPer.OBJECTIVE:
        keys = sorted({q.objective_key for q in pool if q.objective_key is not None})
        return [{q.question_id for q in pool if q.objective_key == key} for key in keys]
    if rule.per is DrawPer.TAG:
        return [{q.question_id for q in pool if tag in q.tags} for tag in rule.tags]
    return [{q.question_id for q in pool}]


@settings(max_examples=300, deadline=None)
@given(rule=rules, pool=pools, seen=seens, seed=st.integers())
def test_property_deterministic_and_no_duplicates(
    rule: SelectionRule, pool: list[PoolQuestion], seen: dict[int, datetime], seed: int
) -> None:
    drawn = draw_questions(rule, pool, seen=seen, seed=seed)
    assert drawn == draw_questions(rule, list(reversed(pool)), seen=dict(seen), seed=seed)
    assert len(drawn) == len(set(drawn))
    assert set(drawn) <= {q.question_id for q in pool}


@settings(max_examples=300, deadline=None)
@given(rule=rules, pool=pools, seen=seens, seed=st.integers())
def test_property_size_is_min_of_count_and_group_per_group(
    rule: SelectionRule, pool: list[PoolQuestion], seen: dict[int, datetime], seed: int
) -> None:
    drawn = draw_questions(rule, pool, seen=seen, seed=seed)
    if rule.per is DrawPer.TAG:
        # Groups overlap: a question taken by an earlier tag is not available to a later one.
        taken: set[int] = set()
        position = 0
        for group in groups(rule, pool):
            size = min(rule.count, len(group - taken))
            part = drawn[position : position + size]
            assert set(part) <= group - taken
            taken |= set(part)
            position += size
        assert position == len(drawn)
    else:
        expected = [min(rule.count, len(group)) for group in groups(rule, pool)]
        assert len(drawn) == sum(expected)
        position = 0
        for group, size in zip(groups(rule, pool), expected, strict=True):
            assert set(drawn[position : position + size]) <= group
            position += size


@settings(max_examples=300, deadline=None)
@given(pool=pools, seen=seens, count=st.integers(1, 12), seed=st.integers())
def test_property_unseen_preferred_then_oldest(
    pool: list[PoolQuestion], seen: dict[int, datetime], count: int, seed: int
) -> None:
    ids = {q.question_id for q in pool}
    unseen = ids - set(seen)
    drawn = draw_questions(random_rule(count), pool, seen=seen, seed=seed)
    if len(unseen) >= count:
        assert set(drawn) <= unseen
    else:
        assert unseen <= set(drawn)
        again = [i for i in drawn if i in seen]
        times = [seen[i] for i in again]
        assert times == sorted(times)
        # nothing left behind was seen longer ago than something drawn
        left = [seen[i] for i in ids & set(seen) if i not in drawn]
        if left and times:
            assert min(left) >= max(times)


@given(items=st.lists(st.integers()), seed=st.integers())
def test_property_shuffled_is_a_deterministic_permutation(items: list[int], seed: int) -> None:
    result = shuffled(items, seed)
    assert result == shuffled(items, seed)
    assert Counter(result) == Counter(items)


@pytest.mark.parametrize("seed", [0, 1, 2**63])
def test_large_and_zero_seeds(seed: int) -> None:
    assert len(draw_questions(random_rule(3), pool_of(*range(1, 10)), seen={}, seed=seed)) == 3
