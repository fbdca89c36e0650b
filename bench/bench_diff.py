"""
Benchmark of the course sync diff engine against same-run baselines.

TLDR: run ``.venv/bin/python bench/bench_diff.py [--quick] [--no-fail]``. For generated outlines
of growing size with 1% and 30% edits it prints, best of N runs:

- ours:     ``diff_outlines`` from the mirror's nodes to the new outline;
- bare:     the floor, a plain dict comparison keyed by usage key (build both dicts, list the keys
            whose node differs or is missing), which finds *that* nodes changed but not *how*;
- deepdiff: ``deepdiff.DeepDiff`` on the same outlines as plain dicts keyed by ``str(usage_key)``
            (only up to 10k nodes: it takes seconds there and minutes above).

The mirror's nodes are rebuilt with freshly parsed keys, as when they are read from the database,
so no comparison is helped by object identity. Targets (PASS/FAIL, non-zero exit on FAIL unless
``--no-fail``): at the reference size with 1% edits ours <= 3x bare and deepdiff >= 100x ours, and
time per node at 100k within 2x of 10k (linear growth; full run only).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deepdiff import DeepDiff
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import CourseOutline, OutlineNode
from ve_edu_vault.course_sync.diff import diff_outlines
from ve_edu_vault.course_sync.diff.generate import generate_outline, mutate_outline

COURSE = CourseKey.from_string("course-v1:VE+Bench+2025")


@dataclass(frozen=True, kw_only=True)
class Row:
    nodes: int
    fraction: float
    changes: int
    ours: float
    bare: float
    deepdiff: float | None

    @property
    def per_node_us(self) -> float:
        return self.ours / self.nodes * 1e6


def as_loaded(nodes: Sequence[OutlineNode]) -> list[OutlineNode]:
    """The nodes with freshly parsed keys, as a mirror read back from the database would hold them."""
    parsed: dict[str, UsageKey] = {}

    def parse(key: UsageKey) -> UsageKey:
        text = str(key)
        if text not in parsed:
            parsed[text] = UsageKey.from_string(text)
        return parsed[text]

    return [
        replace(
            node,
            usage_key=parse(node.usage_key),
            parent_key=parse(node.parent_key) if node.parent_key else None,
            attributes=replace(node.attributes),
            components=tuple(replace(c, usage_key=parse(c.usage_key)) for c in node.components),
        )
        for node in nodes
    ]


def bare_compare(old: Sequence[OutlineNode], new: CourseOutline) -> tuple[list[UsageKey], list[UsageKey]]:
    before = {node.usage_key: node for node in old}
    after = {node.usage_key: node for node in new.nodes}
    changed = [key for key, node in after.items() if before.get(key) != node]
    missing = [key for key in before if key not in after]
    return changed, missing


def as_plain(nodes: Sequence[OutlineNode]) -> dict[str, dict[str, Any]]:
    return {
        str(node.usage_key): {
            "kind": node.kind.value,
            "display_name": node.display_name,
            "parent": str(node.parent_key) if node.parent_key else None,
            "position": node.position,
            "attributes": node.attributes.as_dict(),
            "components": [[str(c.usage_key), c.block_type] for c in node.components],
        }
        for node in nodes
    }


def best(func: Callable[[], object], repeat: int) -> float:
    return min(timeit.repeat(func, number=1, repeat=repeat))


def measure(n_nodes: int, fraction: float, *, repeat: int, with_deepdiff: bool) -> Row:
    base = generate_outline(COURSE, n_nodes, seed=n_nodes)
    new = mutate_outline(base, fraction, seed=n_nodes + 1)
    old = as_loaded(base.nodes)
    changes = len(diff_outlines(old, new).changes)
    ours = best(lambda: diff_outlines(old, new), repeat)
    bare = best(lambda: bare_compare(old, new), repeat)
    deep = None
    if with_deepdiff:
        plain_old, plain_new = as_plain(old), as_plain(new.nodes)
        deep = best(lambda: DeepDiff(plain_old, plain_new), 1)
    return Row(nodes=n_nodes, fraction=fraction, changes=changes, ours=ours, bare=bare, deepdiff=deep)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (CI smoke)")
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even when a target fails")
    args = parser.parse_args(argv)

    # Linearity is checked from 10k nodes up, in the full run only: below ~4k nodes the working set
    # fits in the CPU caches and time per node is about half of what it is for larger outlines.
    sizes, reference, deepdiff_max, repeat = (
        ((1_000, 4_000), 1_000, 1_000, 15) if args.quick else ((1_000, 10_000, 50_000, 100_000), 10_000, 10_000, 9)
    )
    print(
        f"{'nodes':>7} {'edits':>5} {'changes':>7} {'ours ms':>9} {'bare ms':>9} {'deepdiff ms':>11} "
        f"{'ours/bare':>9} {'deep/ours':>9} {'us/node':>7}"
    )
    rows: list[Row] = []
    for n_nodes in sizes:
        for fraction in (0.01, 0.30):
            row = measure(
                n_nodes, fraction, repeat=repeat if n_nodes <= 10_000 else 3, with_deepdiff=n_nodes <= deepdiff_max
            )
            rows.append(row)
            deep = f"{row.deepdiff * 1e3:11.1f}" if row.deepdiff is not None else f"{'skipped':>11}"
            ratio = f"{row.deepdiff / row.ours:9.0f}" if row.deepdiff is not None else f"{'-':>9}"
            print(
                f"{row.nodes:>7} {row.fraction:>5.0%} {row.changes:>7} {row.ours * 1e3:9.2f} {row.bare * 1e3:9.2f} "
                f"{deep} {row.ours / row.bare:9.2f} {ratio} {row.per_node_us:7.2f}",
                flush=True,
            )
    print(f"deepdiff skipped above {deepdiff_max} nodes (seconds at 10k, grows faster than linearly).")

    ref = next(r for r in rows if r.nodes == reference and r.fraction == 0.01)
    big = next(r for r in rows if r.nodes == sizes[-1] and r.fraction == 0.01)
    linear_base = next(r for r in rows if r.nodes == 10_000 and r.fraction == 0.01) if not args.quick else None
    assert ref.deepdiff is not None
    targets = [
        (f"{reference} nodes @1%: ours <= 3x bare", ref.ours <= 3 * ref.bare, f"{ref.ours / ref.bare:.2f}x"),
        (
            f"{reference} nodes @1%: deepdiff >= 100x ours",
            ref.deepdiff >= 100 * ref.ours,
            f"{ref.deepdiff / ref.ours:.0f}x",
        ),
    ]
    if linear_base is not None:
        targets.append(
            (
                f"linear: us/node at {big.nodes} <= 2x at {linear_base.nodes}",
                big.per_node_us <= 2 * linear_base.per_node_us,
                f"{big.per_node_us / linear_base.per_node_us:.2f}x",
            )
        )
    else:
        print("SKIP  linear growth: checked in the full run only (small outlines fit in the CPU caches)")
    failed = False
    for name, ok, value in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {name}  ({value})")
        failed |= not ok
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
