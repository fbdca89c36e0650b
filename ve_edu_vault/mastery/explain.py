"""
Plain-English explanations of mastery for teachers: why a learner is (not) mastered, and which responses moved it.

TLDR: explanations are rendered from the numbers in :class:`MasteryState` and :class:`MasteryStep`, never stored as
the only record; a view can always re-render them (translated, in the teacher's time zone).

Why the ``translator`` argument instead of ``gettext_lazy``: mastery is pure (no Django), yet user-facing strings
must be translatable. Every message is written as ``_("... %(name)s ...")`` so ``makemessages`` extracts it, and the
Django layer passes ``Translator(gettext=django.utils.translation.gettext, ngettext=...)``. The default is English.

Percentages are whole numbers rounded down (see :func:`percent`); a probability strictly between 0 and 1 is shown
as 1..99%, never as a certain 0% or 100%. A change is reported as the difference of the *shown* percentages
("from 41% to 67% (+26 points)") so the numbers a teacher reads always add up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .data import MasteryState, MasteryStep, Observation

__all__ = [
    "Translator",
    "describe_observation",
    "explain_change",
    "explain_history",
    "explain_state",
    "explain_step",
    "format_percent",
    "format_when",
    "percent",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _identity(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


@dataclass(frozen=True, kw_only=True, slots=True)
class Translator:
    """The two gettext functions explanations need; the default renders English."""

    gettext: Callable[[str], str] = _identity
    ngettext: Callable[[str, str, int], str] = _english_plural


ENGLISH = Translator()


def percent(probability: float) -> int:
    """
    A probability as a whole percentage, rounded *down*, and within 1..99 when strictly between 0 and 1.

    Rounding down keeps the number consistent with the mastery decision: 0.9497 against a 95% threshold shows
    "94%", never a "95%" that is still "not yet mastered". Nor does an estimate short of certainty show as 100%.
    """
    value = math.floor(probability * 100 + 1e-9)
    if 0.0 < probability < 1.0:
        value = min(max(value, 1), 99)
    return int(value)


def format_percent(probability: float) -> str:
    """``0.41 -> "41%"``; see :func:`percent`."""
    return f"{percent(probability)}%"


def format_when(at: datetime, *, tz: tzinfo | None = None, translator: Translator = ENGLISH) -> str:
    """A short, locale-independent time stamp such as ``3 Nov 14:02`` (in ``tz`` when given and ``at`` is aware)."""
    if tz is not None and at.tzinfo is not None:
        at = at.astimezone(tz)
    month = translator.gettext(_MONTHS[at.month - 1])
    return f"{at.day} {month} {at:%H:%M}"


def describe_observation(
    observation: Observation, *, tz: tzinfo | None = None, translator: Translator = ENGLISH
) -> str:
    """``Response #42 (correct, 3 Nov 14:02)``: the handle a teacher can look the response up by."""
    _ = translator.gettext
    outcome = _("correct") if observation.correct else _("incorrect")
    return _("Response #%(response_id)s (%(outcome)s, %(when)s)") % {
        "response_id": observation.response_id,
        "outcome": outcome,
        "when": format_when(observation.at, tz=tz, translator=translator),
    }


def _k_n(state: MasteryState) -> tuple[int, int]:
    return int(state.params.get("k", 0)), int(state.params.get("n", len(state.window)))


def _window_phrase(state: MasteryState, translator: Translator) -> str:
    """``4 correct of the last 5 answers`` once the window is full, ``2 correct of 3 answers so far`` before."""
    _, n = _k_n(state)
    correct = sum(state.window)
    size = len(state.window)
    if size >= n:
        return translator.ngettext(
            "%(correct)s correct of the last %(n)s answer", "%(correct)s correct of the last %(n)s answers", n
        ) % {"correct": correct, "n": n}
    return translator.ngettext(
        "%(correct)s correct of %(size)s answer so far", "%(correct)s correct of %(size)s answers so far", size
    ) % {"correct": correct, "size": size}


def _mastery_transition(
    before: MasteryState, after: MasteryState, translator: Translator, *, threshold: str | None = None
) -> str:
    _ = translator.gettext
    values = {"threshold": threshold}
    if after.mastered and not before.mastered:
        if threshold is None:
            return " " + _("The objective is now mastered.")
        return " " + _("The objective is now mastered (threshold %(threshold)s).") % values
    if before.mastered and not after.mastered:
        if threshold is None:
            return " " + _("The objective is no longer mastered.")
        return " " + _("The objective is no longer mastered (threshold %(threshold)s).") % values
    return ""


def _explain_window_change(
    observation: Observation, before: MasteryState, after: MasteryState, *, who: str, translator: Translator
) -> str:
    _ = translator.gettext
    k, n = _k_n(after)
    count_before, count_after = sum(before.window), sum(after.window)
    merged = (*before.window, observation.correct)
    left = merged[: max(len(merged) - len(after.window), 0)]
    values = {
        "who": who,
        "before": count_before,
        "after": count_after,
        "delta": count_after - count_before,
        "now": _window_phrase(after, translator),
        "k": k,
        "n": n,
    }
    if count_after > count_before:
        text = _("%(who)s raised the count of correct answers from %(before)s to %(after)s (+%(delta)s)") % values
    elif count_after < count_before:
        text = _("%(who)s lowered the count of correct answers from %(before)s to %(after)s (%(delta)s)") % values
    else:
        text = _("%(who)s kept the count of correct answers at %(after)s") % values
    if any(left):
        text += " " + _("as an older correct answer left the window")
    text += _(": now %(now)s (needs %(k)s of %(n)s).") % values
    return text + _mastery_transition(before, after, translator)


def _explain_probability_change(
    observation: Observation, before: MasteryState, after: MasteryState, *, who: str, translator: Translator
) -> str:
    _ = translator.gettext
    shown_before, shown_after = percent(before.probability or 0.0), percent(after.probability or 0.0)
    values: dict[str, object] = {"who": who, "before": f"{shown_before}%", "after": f"{shown_after}%"}
    delta = shown_after - shown_before
    values["delta"] = abs(delta)
    if delta > 0:
        text = translator.ngettext(
            "%(who)s raised the estimate from %(before)s to %(after)s (+%(delta)s point).",
            "%(who)s raised the estimate from %(before)s to %(after)s (+%(delta)s points).",
            delta,
        )
    elif delta < 0:
        text = translator.ngettext(
            "%(who)s lowered the estimate from %(before)s to %(after)s (-%(delta)s point).",
            "%(who)s lowered the estimate from %(before)s to %(after)s (-%(delta)s points).",
            -delta,
        )
    else:
        text = _("%(who)s left the estimate at %(after)s (less than one point of change).")
    text = text % values
    threshold = after.params.get("mastery_threshold")
    shown_threshold = None if threshold is None else format_percent(float(threshold))
    return text + _mastery_transition(before, after, translator, threshold=shown_threshold)


def explain_change(
    observation: Observation,
    before: MasteryState,
    after: MasteryState,
    *,
    tz: tzinfo | None = None,
    translator: Translator = ENGLISH,
) -> str:
    """
    One sentence (two when mastery flips) on how ``observation`` moved the state from ``before`` to ``after``.

    Policies with a probability are explained in percentage points, window policies in counts of correct answers;
    any other policy (a plugin's) gets a neutral sentence.
    """
    who = describe_observation(observation, tz=tz, translator=translator)
    if after.policy == "k_of_n" or (after.probability is None and "k" in after.params and "n" in after.params):
        return _explain_window_change(observation, before, after, who=who, translator=translator)
    if before.probability is not None and after.probability is not None:
        return _explain_probability_change(observation, before, after, who=who, translator=translator)
    _ = translator.gettext
    text = translator.ngettext(
        "%(who)s was counted (%(count)s answer so far).",
        "%(who)s was counted (%(count)s answers so far).",
        after.evidence_count,
    ) % {"who": who, "count": after.evidence_count}
    return text + _mastery_transition(before, after, translator)


def explain_step(step: MasteryStep, *, tz: tzinfo | None = None, translator: Translator = ENGLISH) -> str:
    """Re-render a step's explanation (e.g. translated, or in the teacher's time zone)."""
    return explain_change(step.observation, step.before, step.after, tz=tz, translator=translator)


def explain_state(state: MasteryState, *, translator: Translator = ENGLISH) -> str:
    """
    The summary a teacher sees next to a mastery badge.

    ``Mastered: 4 of the last 5 answers were correct (needs 4 of 5).``
    ``Not yet mastered: the estimated chance that this objective is learned is 41% after 2 answers (needs 95%).``
    """
    _ = translator.gettext
    headline = _("Mastered") if state.mastered else _("Not yet mastered")
    if state.policy == "k_of_n" or (state.probability is None and "k" in state.params and "n" in state.params):
        k, n = _k_n(state)
        if not state.window:
            return _("%(headline)s: no answers yet (needs %(k)s correct of the last %(n)s).") % {
                "headline": headline,
                "k": k,
                "n": n,
            }
        values = {"headline": headline, "correct": sum(state.window), "size": len(state.window), "k": k, "n": n}
        if len(state.window) >= n:
            return (
                translator.ngettext(
                    "%(headline)s: %(correct)s of the last %(n)s answer was correct (needs %(k)s of %(n)s).",
                    "%(headline)s: %(correct)s of the last %(n)s answers were correct (needs %(k)s of %(n)s).",
                    n,
                )
                % values
            )
        return (
            translator.ngettext(
                "%(headline)s: %(correct)s of %(size)s answer so far was correct (needs %(k)s of the last %(n)s).",
                "%(headline)s: %(correct)s of %(size)s answers so far were correct (needs %(k)s of the last %(n)s).",
                len(state.window),
            )
            % values
        )
    threshold = state.params.get("mastery_threshold")
    if state.probability is not None and threshold is not None:
        values = {
            "headline": headline,
            "estimate": format_percent(state.probability),
            "count": state.evidence_count,
            "threshold": format_percent(float(threshold)),
        }
        if state.evidence_count == 0:
            return _("%(headline)s: no answers yet; the starting estimate is %(estimate)s (needs %(threshold)s).") % (
                values
            )
        if state.mastered:
            return (
                translator.ngettext(
                    "%(headline)s: the estimated chance that this objective is learned is %(estimate)s after "
                    "%(count)s answer (threshold %(threshold)s).",
                    "%(headline)s: the estimated chance that this objective is learned is %(estimate)s after "
                    "%(count)s answers (threshold %(threshold)s).",
                    state.evidence_count,
                )
                % values
            )
        return (
            translator.ngettext(
                "%(headline)s: the estimated chance that this objective is learned is %(estimate)s after "
                "%(count)s answer (needs %(threshold)s).",
                "%(headline)s: the estimated chance that this objective is learned is %(estimate)s after "
                "%(count)s answers (needs %(threshold)s).",
                state.evidence_count,
            )
            % values
        )
    return translator.ngettext(
        "%(headline)s after %(count)s answer.", "%(headline)s after %(count)s answers.", state.evidence_count
    ) % {"headline": headline, "count": state.evidence_count}


def explain_history(
    steps: Iterable[MasteryStep], *, tz: tzinfo | None = None, translator: Translator = ENGLISH
) -> tuple[str, ...]:
    """The summary of the latest state followed by one line per response, oldest first: the full audit trail."""
    steps = tuple(steps)
    if not steps:
        return ()
    return (
        explain_state(steps[-1].after, translator=translator),
        *(explain_step(step, tz=tz, translator=translator) for step in steps),
    )
