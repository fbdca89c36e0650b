"""Explanations a teacher reads: exact sentences for fixed states and steps."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from helpers_mastery import observations

from ve_edu_vault.mastery import (
    MasteryState,
    Observation,
    Translator,
    explain_history,
    explain_state,
    explain_step,
    replay,
)
from ve_edu_vault.mastery.explain import explain_change, format_when, percent

BKT_PARAMS = {"p_init": 0.2, "p_transit": 0.1, "p_slip": 0.1, "p_guess": 0.2, "mastery_threshold": 0.95}
RESPONSE_42 = Observation(
    response_id=42, correct=True, score=1.0, at=datetime(2025, 11, 3, 14, 2, tzinfo=UTC), question_id=7
)


def bkt_state(probability: float, *, count: int = 3) -> MasteryState:
    return MasteryState(
        objective_key="obj",
        mastered=probability >= 0.95,
        probability=probability,
        evidence_count=count,
        policy="bkt",
        params=BKT_PARAMS,
    )


def window_state(window: tuple[bool, ...], *, k: int = 4, n: int = 5) -> MasteryState:
    return MasteryState(
        objective_key="obj",
        mastered=sum(window) >= k,
        probability=None,
        evidence_count=len(window),
        policy="k_of_n",
        params={"k": k, "n": n},
        window=window,
    )


def test_probability_step_says_which_response_moved_it_and_by_how_much() -> None:
    text = explain_change(RESPONSE_42, bkt_state(0.41), bkt_state(0.67, count=4))
    assert text == "Response #42 (correct, 3 Nov 14:02) raised the estimate from 41% to 67% (+26 points)."


def test_probability_step_down_singular_flat_and_mastery_flips() -> None:
    wrong = Observation(response_id=43, correct=False, score=0.0, at=RESPONSE_42.at, question_id=7)
    assert explain_change(wrong, bkt_state(0.985), bkt_state(0.975)) == (
        "Response #43 (incorrect, 3 Nov 14:02) lowered the estimate from 98% to 97% (-1 point)."
    )
    assert explain_change(RESPONSE_42, bkt_state(0.991), bkt_state(0.994)) == (
        "Response #42 (correct, 3 Nov 14:02) left the estimate at 99% (less than one point of change)."
    )
    assert explain_change(RESPONSE_42, bkt_state(0.80), bkt_state(0.96)) == (
        "Response #42 (correct, 3 Nov 14:02) raised the estimate from 80% to 96% (+16 points)."
        " The objective is now mastered (threshold 95%)."
    )
    assert explain_change(wrong, bkt_state(0.96), bkt_state(0.78)).endswith(
        "(-18 points). The objective is no longer mastered (threshold 95%)."
    )


def test_window_steps_count_correct_answers() -> None:
    before = window_state((True, True, False, True, True))
    wrong = Observation(response_id=50, correct=False, score=0.0, at=RESPONSE_42.at, question_id=7)
    after = window_state((True, False, True, True, False))
    assert explain_change(wrong, before, after) == (
        "Response #50 (incorrect, 3 Nov 14:02) lowered the count of correct answers from 4 to 3 (-1)"
        " as an older correct answer left the window: now 3 correct of the last 5 answers (needs 4 of 5)."
        " The objective is no longer mastered."
    )
    assert explain_change(RESPONSE_42, window_state((True, True, True)), window_state((True, True, True, True))) == (
        "Response #42 (correct, 3 Nov 14:02) raised the count of correct answers from 3 to 4 (+1):"
        " now 4 correct of 4 answers so far (needs 4 of 5). The objective is now mastered."
    )


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (
            window_state((True, True, False, True, True)),
            "Mastered: 4 of the last 5 answers were correct (needs 4 of 5).",
        ),
        (
            window_state((False, True, False, True, True)),
            "Not yet mastered: 3 of the last 5 answers were correct (needs 4 of 5).",
        ),
        (
            window_state((True, False)),
            "Not yet mastered: 1 of 2 answers so far were correct (needs 4 of the last 5).",
        ),
        (window_state((True,), k=1, n=1), "Mastered: 1 of the last 1 answer was correct (needs 1 of 1)."),
        (window_state(()), "Not yet mastered: no answers yet (needs 4 correct of the last 5)."),
        (
            bkt_state(0.9497, count=2),
            "Not yet mastered: the estimated chance that this objective is learned is 94% after 2 answers (needs 95%).",
        ),
        (
            bkt_state(0.97, count=1),
            "Mastered: the estimated chance that this objective is learned is 97% after 1 answer (threshold 95%).",
        ),
        (bkt_state(0.2, count=0), "Not yet mastered: no answers yet; the starting estimate is 20% (needs 95%)."),
    ],
)
def test_state_summaries(state: MasteryState, text: str) -> None:
    assert explain_state(state) == text


@pytest.mark.parametrize(
    ("probability", "shown"),
    [(0.0, 0), (0.001, 1), (0.41, 41), (0.29, 29), (0.9497, 94), (0.95, 95), (0.9999, 99), (1.0, 100)],
)
def test_percentages_round_down_and_never_claim_certainty(probability: float, shown: int) -> None:
    assert percent(probability) == shown


def test_times_can_be_shown_in_the_teachers_time_zone() -> None:
    assert format_when(RESPONSE_42.at) == "3 Nov 14:02"
    assert format_when(RESPONSE_42.at, tz=ZoneInfo("Europe/Tallinn")) == "3 Nov 16:02"


def test_policies_attach_the_explanation_and_history_reads_oldest_first() -> None:
    steps = replay("bkt", "obj", {**BKT_PARAMS, "p_init": 0.5}, observations([1, 1], first_id=41))
    assert [step.explanation for step in steps] == [explain_step(step) for step in steps]
    assert explain_history(steps) == (
        "Mastered: the estimated chance that this objective is learned is 96% after 2 answers (threshold 95%).",
        "Response #41 (correct, 3 Nov 14:00) raised the estimate from 50% to 83% (+33 points).",
        "Response #42 (correct, 3 Nov 14:01) raised the estimate from 83% to 96% (+13 points)."
        " The objective is now mastered (threshold 95%).",
    )
    assert explain_history([]) == ()


def test_a_translator_renders_the_messages() -> None:
    german = {
        "correct": "richtig",
        "Nov": "Nov.",
        "Response #%(response_id)s (%(outcome)s, %(when)s)": "Antwort Nr. %(response_id)s (%(outcome)s, %(when)s)",
        "%(who)s raised the estimate from %(before)s to %(after)s (+%(delta)s points).": (
            "%(who)s hob die Schätzung von %(before)s auf %(after)s (+%(delta)s Punkte)."
        ),
        "%(headline)s: no answers yet (needs %(k)s correct of the last %(n)s).": (
            "%(headline)s: noch keine Antworten (%(k)s von %(n)s nötig)."
        ),
        "Not yet mastered": "Noch nicht beherrscht",
    }
    translator = Translator(
        gettext=lambda message: german.get(message, message),
        ngettext=lambda one, many, count: german.get(one if count == 1 else many, one if count == 1 else many),
    )
    text = explain_change(RESPONSE_42, bkt_state(0.41), bkt_state(0.67, count=4), translator=translator)
    assert text == "Antwort Nr. 42 (richtig, 3 Nov. 14:02) hob die Schätzung von 41% auf 67% (+26 Punkte)."
    assert explain_state(window_state(()), translator=translator) == (
        "Noch nicht beherrscht: noch keine Antworten (4 von 5 nötig)."
    )


def test_a_plugin_policy_without_probability_or_window_gets_a_neutral_sentence() -> None:
    before = MasteryState(objective_key="o", mastered=False, probability=None, evidence_count=0, policy="custom")
    after = MasteryState(objective_key="o", mastered=True, probability=None, evidence_count=1, policy="custom")
    assert explain_change(RESPONSE_42, before, after) == (
        "Response #42 (correct, 3 Nov 14:02) was counted (1 answer so far). The objective is now mastered."
    )
    assert explain_state(after) == "Mastered after 1 answer."
