"""
The answer check of a save (``questions/answers.py``), next to a same-run baseline.

What it measures: ``check_answer`` on one valid answer per built-in type, as autosave and check run it
(the part's validator compiled on first use and kept). Baseline: the simplest code doing the same
checks with the same libraries: one compact JSON encoding (``allow_nan=False`` refuses NaN and
infinities, ``.encode("utf-8")`` lone surrogates, then a NUL search and the size), and the schema's
``is_valid`` on a validator built once. What ours adds over it is the part lookup, the depth bound
(the encoder would only stop at Python's recursion limit), a size bound before anything is encoded,
and a field naming where an answer fails. Target: within 2x of the baseline for every type (a few
microseconds an answer, where an autosave request costs milliseconds: ``bench_submit.py --autosave``
measures the whole request).

Usage: ``.venv/bin/python bench/bench_answer_check.py [--seconds S] [--no-fail]``. Exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsonschema import Draft202012Validator  # noqa: E402

from ve_edu_vault.questions.answers import check_answer  # noqa: E402
from ve_edu_vault.questions.data import QuestionContent  # noqa: E402
from ve_edu_vault.questions.registry import get_registry  # noqa: E402

COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
CHOICES = [{"id": f"choice_{i}", "text": f"Choice {i}"} for i in range(5)]
CASES: dict[str, tuple[dict[str, Any], Any]] = {
    "multiple_choice": ({"config": {"choices": CHOICES}, "answer_key": {"correct": "choice_1"}}, "choice_3"),
    "dropdown": ({"config": {"options": CHOICES}, "answer_key": {"correct": "choice_1"}}, "choice_3"),
    "multi_select": (
        {"config": {"choices": CHOICES}, "answer_key": {"correct": ["choice_1"]}},
        ["choice_1", "choice_4"],
    ),
    "numeric": ({"config": {}, "answer_key": {"value": 9.81}}, "9.81"),
    "fill_in_blank": (
        {
            "config": {"blanks": [{"id": "b0"}, {"id": "b1"}]},
            "answer_key": {"blanks": {"b0": {"answers": ["Paris"]}, "b1": {"answers": ["Seine"]}}},
        },
        {"b0": "Paris", "b1": "the Seine river"},
    ),
}


def _rate(call: Callable[[], Any], seconds: float) -> float:
    """Calls per second, best of 3 rounds of about ``seconds / 3`` each."""
    best = 0.0
    for _ in range(3):
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds / 3:
            for _ in range(100):
                call()
            done += 100
        best = max(best, done / elapsed)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.5, help="measuring time per figure")
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args(argv)
    registry = get_registry()
    ok = True
    print(f"{'type':<16} {'ours us':>8} {'baseline us':>12} {'ratio':>6}")
    for name, (fields, answer) in CASES.items():
        content = QuestionContent.from_dict({"parts": [{"id": "p0", "type": name, **fields}]})
        part = content.parts[0]
        whole = {"p0": answer}
        check_answer(content, whole, max_part_bytes=16384)  # compiles and keeps the part's validator
        schema = registry.get(name).answer_schema
        validator = Draft202012Validator(schema(part) if callable(schema) else schema)
        assert validator.is_valid(answer)

        def baseline(validator: Any = validator, answer: Any = answer) -> int:
            encoded = COMPACT.encode(answer).encode("utf-8")
            if b"\x00" in encoded or not validator.is_valid(answer):
                raise ValueError
            return len(encoded)

        def ours_call(content: QuestionContent = content, whole: Any = whole) -> int:
            return check_answer(content, whole, max_part_bytes=16384)

        ours = base = float("inf")
        for _ in range(3):  # alternate, so both see the same moments of a shared machine
            ours = min(ours, 1e6 / _rate(ours_call, args.seconds / 3))
            base = min(base, 1e6 / _rate(baseline, args.seconds / 3))
        ratio = ours / base
        ok &= ratio <= 2.0
        print(f"{name:<16} {ours:>8.1f} {base:>12.1f} {ratio:>6.2f}")
    print(f"answer check within 2x of one encoding + jsonschema is_valid for every type: {'PASS' if ok else 'FAIL'}")
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
