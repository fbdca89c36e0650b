"""
Grader and capa-import throughput, each next to a same-run baseline.

Why same-run baselines: absolute figures move with the machine; "within 5x of a bare ``answer == key``
comparison" does not. Targets: >= 500k multiple-choice grades/s on one core and within 5x of the bare
comparison; parsing 10k capa problems in < 5 s.

Usage: ``.venv/bin/python bench/bench_graders.py [--quick] [--no-fail]``. Exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ve_edu_vault.questions.data import QuestionContent, QuestionPart  # noqa: E402
from ve_edu_vault.questions.grading import grade_question  # noqa: E402
from ve_edu_vault.questions.olx import parse_problem  # noqa: E402
from ve_edu_vault.questions.types import (  # noqa: E402
    dropdown,
    fill_in_blank,
    multi_select,
    multiple_choice,
    numeric,
)

COURSE = ROOT.parent / "shared/olx/openedx-test-course/course/problem"
FIXTURES = ROOT / "tests/questions/fixtures"


def _choices(n: int, prefix: str = "choice") -> list[dict[str, str]]:
    return [{"id": f"{prefix}_{i}", "text": f"Choice {i}"} for i in range(n)]


def _rate(loop: Callable[[list[Any]], None], answers: list[Any], seconds: float) -> float:
    """Answers per second: repeat ``loop(answers)`` for about ``seconds``, keep the best of 3 rounds."""
    best = 0.0
    for _ in range(3):
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds / 3:
            loop(answers)
            done += len(answers)
        best = max(best, done / elapsed)
    return best


def _grader_loop(grade: Callable[[QuestionPart, Any], Any], part: QuestionPart) -> Callable[[list[Any]], None]:
    def loop(answers: list[Any]) -> None:
        for answer in answers:
            grade(part, answer)

    return loop


def _bare_loop(key: Any) -> Callable[[list[Any]], None]:
    def loop(answers: list[Any]) -> None:
        for answer in answers:
            answer == key  # noqa: B015 - the comparison is what is measured

    return loop


def bench_grading(seconds: float) -> tuple[list[tuple[str, float]], float, float]:
    mc = QuestionPart(
        id="p", type="multiple_choice", config={"choices": _choices(4), "shuffle": False},
        answer_key={"correct": "choice_2", "feedback": {"choice_0": "No."}},
    )  # fmt: skip
    mc_answers = [f"choice_{i % 4}" for i in range(1000)]
    ms = QuestionPart(
        id="p", type="multi_select", config={"choices": _choices(5), "partial_credit": "edc"},
        answer_key={"correct": ["choice_0", "choice_3"]},
    )  # fmt: skip
    blank = {"answers": ["Paris", "Lutèce"], "ignore_accents": True}
    fib = QuestionPart(
        id="p", type="fill_in_blank", config={"blanks": [{"id": "b"}]}, answer_key={"blanks": {"b": blank}}
    )
    fib_re = QuestionPart(
        id="p", type="fill_in_blank", config={"blanks": [{"id": "b"}]},
        answer_key={"blanks": {"b": {"answers": [r"colou?r", r"hue"], "regexp": True}}},
    )  # fmt: skip
    num = QuestionPart(id="p", type="numeric", answer_key={"value": 9.81, "tolerance": 1, "tolerance_mode": "percent"})
    dd = QuestionPart(
        id="p", type="dropdown", config={"options": _choices(4, "option")}, answer_key={"correct": "option_1"}
    )
    question = QuestionContent(parts=(mc,))
    ms_answers = [["choice_0"], ["choice_0", "choice_3"]] * 500
    dd_answers = [f"option_{i % 4}" for i in range(1000)]
    rows = [
        ("bare answer == key", _rate(_bare_loop("choice_2"), mc_answers, seconds)),
        ("multiple_choice", _rate(_grader_loop(multiple_choice.grade, mc), mc_answers, seconds)),
        ("dropdown", _rate(_grader_loop(dropdown.grade, dd), dd_answers, seconds)),
        ("multi_select (edc)", _rate(_grader_loop(multi_select.grade, ms), ms_answers, seconds)),
        ("fill_in_blank", _rate(_grader_loop(fill_in_blank.grade, fib), [" paris ", "Lutece", "x"] * 300, seconds)),
        ("fill_in_blank (regexp)", _rate(_grader_loop(fill_in_blank.grade, fib_re), ["color", "x"] * 300, seconds)),
        ("numeric (1 % tolerance)", _rate(_grader_loop(numeric.grade, num), ["9.8", "9.95", "1.2e3"] * 300, seconds)),
        (
            "grade_question (1 MC part)",
            _rate(lambda items: [grade_question(question, a) for a in items], [{"p": a} for a in mc_answers], seconds),
        ),
    ]
    return rows, rows[1][1], rows[0][1]


def bench_parsing(count: int) -> float:
    sources = [p.read_bytes() for p in sorted(COURSE.glob("*.xml"))] + [
        p.read_bytes() for p in sorted(FIXTURES.glob("*.xml"))
    ]
    batch = [sources[i % len(sources)] for i in range(count)]
    started = time.perf_counter()
    for source in batch:
        parse_problem(source)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds)")
    parser.add_argument("--no-fail", action="store_true", help="always exit 0")
    args = parser.parse_args(argv)
    seconds = 0.3 if args.quick else 1.5
    problems = 2_000 if args.quick else 10_000

    rows, mc_rate, bare_rate = bench_grading(seconds)
    print(f"{'grader':<30} {'answers/s':>14} {'vs bare':>9}")
    for name, rate in rows:
        print(f"{name:<30} {rate:>14,.0f} {bare_rate / rate:>8.1f}x")
    parse_seconds = bench_parsing(problems)
    per_10k = parse_seconds * 10_000 / problems
    print(f"\ncapa parse: {problems:,} problems in {parse_seconds:.2f} s  ({per_10k:.2f} s per 10k)")

    checks = [
        ("multiple_choice >= 500k grades/s", mc_rate >= 500_000),
        ("multiple_choice within 5x of bare comparison", bare_rate / mc_rate <= 5.0),
        ("parse 10k capa problems < 5 s", per_10k < 5.0),
    ]
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    failed = not all(ok for _, ok in checks)
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
