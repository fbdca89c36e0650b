"""
Bayesian Knowledge Tracing on fixed sequences (arithmetic written out) and against an independent reference.

The reference is not the policy's formula copied: it runs BKT as what it is, a two-state hidden Markov model,
with the forward algorithm (prior vector x emission column, normalised, then x transition matrix), the way pyBKT
computes its predictions. Both must agree on any sequence and any valid parameters.
"""

from __future__ import annotations

import math

import pytest
from helpers_mastery import observations
from hypothesis import given
from hypothesis import strategies as st

from ve_edu_vault.mastery import BayesianKnowledgeTracing, InvalidMasteryParamsError, mastery_state, replay

POLICY = BayesianKnowledgeTracing()
PARAMS = {"p_init": 0.5, "p_transit": 0.1, "p_slip": 0.1, "p_guess": 0.2, "mastery_threshold": 0.95}


def test_hand_computed_sequence() -> None:
    # L0 = 0.5, T = 0.1, S = 0.1, G = 0.2, threshold 0.95; answers C C W C.
    # 1 (correct): post = .5*.9 / (.5*.9 + .5*.2) = .45/.55 = 9/11 = 0.818182
    #              L1 = 9/11 + (2/11)*.1 = 9.2/11 = 46/55 = 0.836364                -> not mastered
    # 2 (correct): post = (46/55)*.9 / ((46/55)*.9 + (9/55)*.2) = 41.4/43.2 = 23/24 = 0.958333
    #              L2 = 23/24 + (1/24)*.1 = 23.1/24 = 0.9625                        -> mastered
    # 3 (wrong):   post = .9625*.1 / (.9625*.1 + .0375*.8) = .09625/.12625 = 77/101 = 0.762376
    #              L3 = 77/101 + (24/101)*.1 = 79.4/101 = 0.786139                  -> no longer mastered
    # 4 (correct): post = 79.4*.9 / (79.4*.9 + 21.6*.2) = 71.46/75.78 = 397/421 = 0.942993
    #              L4 = 397/421 + (24/421)*.1 = 399.4/421 = 0.948694                -> not mastered (just below .95)
    steps = replay(POLICY, "obj:fractions", PARAMS, observations([1, 1, 0, 1]))
    assert [step.after.probability for step in steps] == pytest.approx(
        [46 / 55, 0.9625, 79.4 / 101, 399.4 / 421], abs=1e-12
    )
    assert [step.after.mastered for step in steps] == [False, True, False, False]
    assert steps[0].before.probability == 0.5
    assert [step.after.evidence_count for step in steps] == [1, 2, 3, 4]


def test_hand_computed_wrong_first_answer_with_default_params() -> None:
    # Defaults L0 = .2, T = .1, S = .1, G = .2: post = .2*.1 / (.2*.1 + .8*.8) = .02/.66 = 1/33 = 0.030303
    # L1 = 1/33 + (32/33)*.1 = 4.2/33 = 0.127273
    (step,) = replay("bkt", "obj", None, observations([0]))
    assert step.after.probability == pytest.approx(4.2 / 33, abs=1e-12)
    assert step.after.params == {
        "p_init": 0.2,
        "p_transit": 0.1,
        "p_slip": 0.1,
        "p_guess": 0.2,
        "mastery_threshold": 0.95,
    }


def test_initial_state_is_the_prior_and_can_already_be_mastered() -> None:
    assert POLICY.initial("obj", PARAMS).probability == 0.5
    assert POLICY.initial("obj", {**PARAMS, "p_init": 0.97}).mastered is True


def test_a_correct_answer_from_an_unlearned_learner_is_a_guess() -> None:
    # L = 0: P(learned | correct) = 0 * .9 / (0 * .9 + 1 * .2) = 0, then transit: 0 + 1 * .25 = .25.
    params = {"p_init": 0.0, "p_transit": 0.25, "p_slip": 0.1, "p_guess": 0.2}
    (step,) = replay(POLICY, "obj", params, observations([1]))
    assert step.after.probability == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"p_slip": 0.5}, "p_slip"),
        ({"p_slip": 0.0}, "p_slip"),
        ({"p_guess": 0.0}, "p_guess"),
        ({"p_guess": 0.7}, "p_guess"),
        ({"p_init": 1.2}, "p_init"),
        ({"p_transit": -0.1}, "p_transit"),
        ({"p_init": math.nan}, "p_init"),
        ({"p_init": "0.3"}, "p_init"),
        ({"p_init": True}, "p_init"),
        ({"mastery_threshold": 0.0}, "mastery_threshold"),
        ({"p_slips": 0.1}, "p_slips"),
    ],
)
def test_invalid_params_name_the_field(params: dict, field: str) -> None:
    with pytest.raises(InvalidMasteryParamsError) as info:
        POLICY.initial("obj", params)
    assert info.value.field == field


def reference_bkt(
    outcomes: list[bool], *, p_init: float, p_transit: float, p_slip: float, p_guess: float
) -> list[float]:
    """P(learned) after each answer, by the HMM forward algorithm over states (unlearned, learned)."""
    belief = [1.0 - p_init, p_init]
    emission = {True: [p_guess, 1.0 - p_slip], False: [1.0 - p_guess, p_slip]}  # P(answer | state)
    transition = [[1.0 - p_transit, p_transit], [0.0, 1.0]]  # no forgetting, as in standard BKT
    predicted = []
    for outcome in outcomes:
        joint = [belief[state] * emission[outcome][state] for state in (0, 1)]
        total = sum(joint)
        filtered = [value / total for value in joint] if total > 0 else belief
        belief = [sum(filtered[source] * transition[source][target] for source in (0, 1)) for target in (0, 1)]
        predicted.append(belief[1])
    return predicted


probability = st.floats(min_value=0.0, max_value=1.0)
# At least 0.001 (fitted BKT parameters live well above that; 0 is refused). Far below it the
# one-number belief loses 1 - p to rounding while the two-state reference keeps the tiny
# remainder, so the two disagree on floating-point artefacts only.
below_half = st.floats(min_value=1e-3, max_value=0.499)


@given(
    outcomes=st.lists(st.booleans(), max_size=30),
    p_init=probability,
    p_transit=probability,
    p_slip=below_half,
    p_guess=below_half,
    threshold=st.floats(min_value=0.01, max_value=1.0),
)
def test_matches_the_reference_on_any_sequence(
    outcomes: list[bool], p_init: float, p_transit: float, p_slip: float, p_guess: float, threshold: float
) -> None:
    params = {"p_init": p_init, "p_transit": p_transit, "p_slip": p_slip, "p_guess": p_guess}
    expected = reference_bkt(outcomes, **params)
    steps = replay(POLICY, "obj", {**params, "mastery_threshold": threshold}, observations(outcomes))
    # An estimate within 1e-16 of 1 keeps 1 - L only to the float's resolution; wrong answers then grow
    # that remainder by up to (1 - G) / S per step, so the rounding can reach ~1e-5 after a few of them.
    # Estimates are shown to teachers in whole percent.
    assert [step.after.probability for step in steps] == pytest.approx(expected, rel=1e-6, abs=1e-5)
    for step in steps:
        assert step.after.probability is not None
        assert 0.0 <= step.after.probability <= 1.0
        assert step.after.mastered == (step.after.probability >= threshold)


@given(outcomes=st.lists(st.booleans(), min_size=1, max_size=20), p_slip=below_half, p_guess=below_half)
def test_a_correct_answer_never_lowers_the_estimate(outcomes: list[bool], p_slip: float, p_guess: float) -> None:
    params = {"p_init": 0.3, "p_transit": 0.05, "p_slip": p_slip, "p_guess": p_guess}
    before = mastery_state(POLICY, "obj", params, observations(outcomes))
    step = POLICY.update(before, observations([True], first_id=99)[0])
    assert step.after.probability is not None and before.probability is not None
    assert step.after.probability >= before.probability - 1e-12
