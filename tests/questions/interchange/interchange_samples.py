"""Question contents each export format can hold completely (what a round trip must keep exactly)."""

# ruff: noqa: RUF001 - real typography in fixtures; long expected values; regex messages

from __future__ import annotations

from typing import Any

from ve_edu_vault.questions.data import Hint, QuestionContent, QuestionPart


def part(type_: str, config: dict[str, Any], key: dict[str, Any], **kw: Any) -> QuestionPart:
    return QuestionPart(id=kw.pop("id", "part_0"), type=type_, config=config, answer_key=key, **kw)


def choices(*texts: str, prefix: str = "choice") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}_{i}", "text": text} for i, text in enumerate(texts)]


def blank(*answers: str, case_sensitive: bool = False, regexp: bool = False) -> dict[str, Any]:
    key = {"answers": list(answers), "case_sensitive": case_sensitive, "ignore_accents": False, "regexp": regexp}
    return {"blanks": {"blank_0": key}}


MC = QuestionContent(
    title="Capital",
    prompt="<p>Which city is the capital of <b>France</b>?</p>",
    explanation="<p>Paris &amp; its river.</p>",
    points=2.0,
    parts=(part("multiple_choice", {"choices": choices("Paris", "Lyon", "<em>Nice</em>"), "shuffle": True},
                {"correct": "choice_0", "feedback": {"choice_1": "<p>No</p>"}}),),
)  # fmt: skip
MS = QuestionContent(
    title="Primes",
    prompt="<p>Pick the primes</p>",
    parts=(part("multi_select", {"choices": choices("2", "4", "5"), "shuffle": False, "partial_credit": "penalty"},
                {"correct": ["choice_0", "choice_2"], "feedback": {"choice_1": {"selected": "4 = 2 × 2"}}}),),
)  # fmt: skip
TF = QuestionContent(
    title="Sun",
    prompt="The sun rises in the east.",
    parts=(part("multiple_choice", {"choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}],
                                    "shuffle": False},
                {"correct": "true", "feedback": {"false": "It does."}}),),
)  # fmt: skip
FIB = QuestionContent(
    title="Italy",
    prompt="<p>Capital of Italy?</p>",
    parts=(part("fill_in_blank", {"blanks": [{"id": "blank_0"}]}, blank("Rome", "Roma")),),
)
NUM = QuestionContent(
    title="Pi",
    prompt="<p>Pi to two decimals?</p>",
    parts=(part("numeric", {}, {"value": 3.14, "tolerance": 0.005, "tolerance_mode": "absolute"}),),
)
ESSAY = QuestionContent(
    title="Essay",
    prompt="<p>Describe a triangle.</p>",
    points=0.0,
    parts=(part("extended_text", {}, {}),),
)

# QTI holds choice ids, fixed choices, dropdowns, several parts and exact numbers; no hints or tags.
QTI = {
    "mc": QuestionContent(
        title="Capital",
        prompt="<p>Which city is the capital of <b>France</b>?</p>",
        explanation="<p>Paris.</p>",
        points=2.0,
        parts=(part("multiple_choice", {"choices": [{"id": "paris", "text": "Paris"},
                                                    {"id": "lyon", "text": "Lyon", "fixed": True}], "shuffle": True},
                    {"correct": "paris", "feedback": {"lyon": "<p>No</p>"}}, prompt="Pick one"),),
    ),
    "ms_all_or_nothing": QuestionContent(
        title="Primes", prompt="<p>Pick the primes</p>",
        parts=(part("multi_select", {"choices": choices("2", "4", "5"), "shuffle": False, "partial_credit": "none"},
                    {"correct": ["choice_0", "choice_2"]}),),
    ),
    "ms_penalty": MS.__class__(title="Primes", prompt="<p>Pick</p>", parts=(
        part("multi_select", {"choices": choices("2", "4", "5"), "shuffle": False, "partial_credit": "penalty"},
             {"correct": ["choice_0", "choice_2"]}),)),
    "fib": FIB,
    "fib_case": QuestionContent(title="Au", prompt="<p>Gold?</p>", parts=(
        part("fill_in_blank", {"blanks": [{"id": "blank_0", "size": 5}]}, blank("Au", case_sensitive=True)),)),
    "num": QuestionContent(title="Four", prompt="<p>2 + 2?</p>", parts=(
        part("numeric", {}, {"value": 4.0, "tolerance": 0.0, "tolerance_mode": "absolute"}),)),
    "dropdown": QuestionContent(title="York", prompt="<p>Sun of ...</p>", parts=(
        part("dropdown", {"options": choices("York", "Lancaster", prefix="option"), "shuffle": False},
             {"correct": "option_0", "feedback": {"option_1": "No"}}),)),
    "essay": QuestionContent(title="Essay", prompt="<p>Write.</p>", points=0.0,
                             parts=(part("extended_text", {"expected_lines": 5}, {}),)),
    "multipart": QuestionContent(
        title="Two parts", prompt="<p>Answer both.</p>", points=2.0,
        parts=(
            part("multiple_choice", {"choices": choices("a", "b"), "shuffle": False}, {"correct": "choice_1"},
                 id="first", prompt="Pick b"),
            part("fill_in_blank", {"blanks": [{"id": "blank_0"}]}, blank("yes"), id="second", prompt="Say yes"),
        ),
    ),
}  # fmt: skip

# Moodle XML holds hints, tags, case-sensitive and wildcard answers, units; choice ids are positional.
MOODLE = {
    "mc": QuestionContent(
        title=MC.title, prompt=MC.prompt, explanation=MC.explanation, points=MC.points, parts=MC.parts,
        hints=(Hint(text="<p>On the Seine.</p>"), Hint(text="Starts with P")), tags=("europe", "capitals"),
    ),
    "ms": MS,
    "tf": TF,
    "fib": FIB,
    "fib_wildcard": QuestionContent(title="Photo", prompt="<p>Plants make sugar by ...</p>", parts=(
        part("fill_in_blank", {"blanks": [{"id": "blank_0"}]},
             blank("photo.*synthesis", "Au\\+", case_sensitive=True, regexp=True)),)),
    "num_units": QuestionContent(title="g", prompt="<p>Gravity?</p>", parts=(
        part("numeric", {}, {"value": 9.81, "tolerance": 0.05, "tolerance_mode": "absolute",
                             "units": [{"name": "m/s²", "multiplier": 1.0}, {"name": "cm/s²", "multiplier": 100.0}],
                             "unit_penalty": 0.1}),)),
    "essay": QuestionContent(title="Essay", prompt="<p>Write.</p>", points=0.0, parts=(
        part("extended_text", {"expected_lines": 10}, {"model_answer": "<p>Three sides.</p>"}),)),
}  # fmt: skip

# GIFT holds titles, tags, feedback and ranges; no shuffle, points or hints.
GIFT = {
    "mc": QuestionContent(title="Capital", prompt=MC.prompt, explanation=MC.explanation, tags=("europe",), parts=(
        part("multiple_choice", {"choices": choices("Paris: yes", "Lyon {2}", "a#b ~c =d"), "shuffle": False},
             {"correct": "choice_0", "feedback": {"choice_1": "<p>No</p>"}}),)),
    "ms": MS,
    "tf": TF,
    "fib": FIB,
    "num": NUM,
    "range": QuestionContent(title="Range", prompt="Between 1 and 5", parts=(
        part("numeric", {}, {"range": {"low": 1.0, "high": 5.0}}),)),
    "essay": ESSAY,
}  # fmt: skip

AIKEN = {
    "mc": QuestionContent(prompt="Which city is the capital of France?", parts=(
        part("multiple_choice", {"choices": choices("Paris", "Lyon", "Nice"), "shuffle": False},
             {"correct": "choice_1"}),)),
}  # fmt: skip
