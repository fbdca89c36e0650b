"""The k-of-the-last-n policy on fixed response sequences, with the window written out by hand."""

from __future__ import annotations

import pytest
from helpers_mastery import observations
from hypothesis import given
from hypothesis import strategies as st

from ve_edu_vault.mastery import InvalidMasteryParamsError, KOfLastN, MasteryError, get_policy, mastery_state, replay

POLICY = KOfLastN()


def test_hand_computed_sequence_3_of_4() -> None:
    # k=3, n=4; answers C C W C W W C C. Window (oldest first) -> correct count -> mastered (count >= 3):
    expected = [
        ((True,), False),  # 1 C: window [C], 1 correct
        ((True, True), False),  # 2 C: [C C], 2
        ((True, True, False), False),  # 3 W: [C C W], 2
        ((True, True, False, True), True),  # 4 C: [C C W C], 3 >= 3 -> mastered
        ((True, False, True, False), False),  # 5 W: first C leaves, [C W C W], 2 -> no longer mastered
        ((False, True, False, False), False),  # 6 W: C leaves, [W C W W], 1
        ((True, False, False, True), False),  # 7 C: W leaves, [C W W C], 2
        ((False, False, True, True), False),  # 8 C: C leaves, [W W C C], 2
    ]
    steps = replay(POLICY, "obj:fractions", {"k": 3, "n": 4}, observations([1, 1, 0, 1, 0, 0, 1, 1]))
    assert [(step.after.window, step.after.mastered) for step in steps] == expected
    assert [step.after.evidence_count for step in steps] == list(range(1, 9))
    assert all(step.after.probability is None for step in steps)
    assert all(step.after.params == {"k": 3, "n": 4} for step in steps)
    assert [step.before for step in steps[1:]] == [step.after for step in steps[:-1]]


def test_k_correct_answers_master_before_the_window_is_full() -> None:
    # "at least k of the last n": with k=4, n=5, four correct first answers are four of the last (up to) five.
    steps = replay("k_of_n", "obj", {"k": 4, "n": 5}, observations([1, 1, 1, 1]))
    assert [step.after.mastered for step in steps] == [False, False, False, True]


def test_one_of_one_follows_the_last_answer() -> None:
    steps = replay(POLICY, "obj", {"k": 1, "n": 1}, observations([1, 0, 0, 1]))
    assert [step.after.mastered for step in steps] == [True, False, False, True]
    assert [step.after.window for step in steps] == [(True,), (False,), (False,), (True,)]


def test_defaults_are_4_of_5_and_the_initial_state_is_not_mastered() -> None:
    state = POLICY.initial("obj")
    assert state.params == {"k": 4, "n": 5}
    assert (state.mastered, state.probability, state.evidence_count, state.window) == (False, None, 0, ())
    assert state.policy == "k_of_n"


def test_mastery_state_without_observations_is_the_initial_state() -> None:
    assert mastery_state("k_of_n", "obj", {"k": 2, "n": 3}, []) == POLICY.initial("obj", {"k": 2, "n": 3})
    assert mastery_state("k_of_n", "obj", {"k": 2, "n": 3}, observations([1, 1])).mastered


def test_new_params_on_update_shrink_the_window() -> None:
    state = replay(POLICY, "obj", {"k": 3, "n": 5}, observations([1, 1, 1, 0]))[-1].after
    step = POLICY.update(state, observations([1], first_id=9)[0], {"k": 2, "n": 2})
    assert step.after.window == (False, True)
    assert step.after.mastered is False
    assert step.after.params == {"k": 2, "n": 2}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"k": 0, "n": 5}, "k"),
        ({"k": 6, "n": 5}, "k"),
        ({"k": 1, "n": 0}, "n"),
        ({"k": 1, "n": 101}, "n"),
        ({"k": 2.5, "n": 5}, "k"),
        ({"k": True, "n": 5}, "k"),
        ({"k": "4", "n": 5}, "k"),
        ({"K": 4}, "K"),
    ],
)
def test_invalid_params_name_the_field(params: dict, field: str) -> None:
    with pytest.raises(InvalidMasteryParamsError) as info:
        POLICY.initial("obj", params)
    assert info.value.field == field
    assert info.value.as_dict()["error_code"] == "invalid_mastery_params"


def test_a_state_of_another_policy_is_refused() -> None:
    bkt_state = get_policy("bkt").initial("obj")
    with pytest.raises(MasteryError):
        POLICY.update(bkt_state, observations([1])[0])


@given(
    outcomes=st.lists(st.booleans(), max_size=40),
    n=st.integers(min_value=1, max_value=8),
    data=st.data(),
)
def test_state_matches_the_rule_on_any_sequence(outcomes: list[bool], n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=1, max_value=n))
    state = mastery_state(POLICY, "obj", {"k": k, "n": n}, observations(outcomes))
    assert state.window == tuple(outcomes[-n:])
    assert state.mastered == (sum(outcomes[-n:]) >= k)
    assert state.evidence_count == len(outcomes)
