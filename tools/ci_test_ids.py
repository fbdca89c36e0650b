"""
Which tests CI runs, and where (ADR 0030). Collects, without running anything, every pytest run ``.ci/run`` makes:
``make test``'s (``scripts/test.sh``: each database, each host) and the tox release environments CI names, then
checks that every test of the suite runs in at least one of them, in each host it is meant for.

    .venv/bin/python tools/ci_test_ids.py                      # the check; exit 1 naming what runs nowhere
    .venv/bin/python tools/ci_test_ids.py --save ids.tsv       # also keep the listing (label, host, test id)
    .venv/bin/python tools/ci_test_ids.py --compare old.tsv    # what an older layout ran that this one does not

The runs are the real commands (``make -n test``'s ``scripts/test.sh`` line, and ``tox config``'s commands of
the environments ``.ci/run`` lists in ``CI_TOX_ENVS``) with ``--collect-only`` and the ``tools.pytest_ci_ids``
plugin added through ``PYTEST_ADDOPTS``; tox's commands run with this virtualenv's Python (collection does not
depend on the release). ``make test`` needs the database servers and Redis to be reachable, as when it runs.
"""

from __future__ import annotations

import argparse
import collections
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
Entry = tuple[str, str, str]  # label, host, test id


def _collect(prefix: str, label: str, command: list[str], env: dict[str, str] | None = None) -> None:
    full_env = {
        **os.environ,
        **(env or {}),
        "VAULT_CI_IDS": prefix,
        "VAULT_CI_IDS_LABEL": label,
        "PYTEST_ADDOPTS": "--collect-only -p tools.pytest_ci_ids",
    }
    result = subprocess.run(command, cwd=REPO, env=full_env, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 5):  # 5: a run that selects nothing
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def ci_tox_envs() -> list[str]:
    match = re.search(r"^CI_TOX_ENVS=\"?([^\"\n]*)\"?", (REPO / ".ci" / "run").read_text(), re.M)
    if not match:
        sys.exit(".ci/run names no CI_TOX_ENVS")
    return match.group(1).split()


def make_test_command() -> list[str]:
    plan = subprocess.run(["make", "-n", "test"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    line = next(line for line in plan.splitlines() if "scripts/test.sh" in line)
    return shlex.split(line)


def tox_commands(env: str) -> list[list[str]]:
    shown = subprocess.run(
        [str(Path(PYTHON).parent / "tox"), "config", "-e", env, "-k", "commands", "setenv"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands: list[list[str]] = []
    for line in shown.splitlines():
        words = shlex.split(line.strip()) if line.startswith("  ") else []
        if words[:3] == ["python", "-m", "pytest"]:
            commands.append([PYTHON, *words[1:]])
    if not commands:
        sys.exit(f"tox env {env} has no pytest command:\n{shown}")
    return commands


def ci_runs(tox_envs: list[str]) -> list[Entry]:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = f"{tmp}/ids"
        _collect(prefix, "make test:", make_test_command())
        for env in tox_envs:
            for command in tox_commands(env):
                _collect(prefix, f"tox {env}:", command, {"DATABASE_URL": "sqlite:///tox.sqlite3"})
        return _read(prefix)


def whole_suite() -> list[Entry]:
    """Every test of each host: the LMS run and the Studio run of ``tests`` with no mark or path left out."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = f"{tmp}/ids"
        for host in ("lms", "cms"):
            _collect(prefix, "all:", [PYTHON, "-m", "pytest", f"--ds=hosts.{host}.test_settings", "-q", "tests"])
        return _read(prefix)


def _read(prefix: str) -> list[Entry]:
    entries: list[Entry] = []
    for name in sorted(glob.glob(f"{prefix}.*")):
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            label, host, test_id = line.split("\t")
            entries.append((label, host, test_id))
    return entries


def summary(entries: list[Entry]) -> str:
    per_run = collections.Counter((label, host) for label, host, _ in entries)
    return "\n".join(f"  {count:5d}  {label} {host}" for (label, host), count in sorted(per_run.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save", type=Path, help="write the CI runs' listing (label, host, test id) here")
    parser.add_argument("--compare", type=Path, help="a listing saved from another layout: what ran there, nowhere now")
    parser.add_argument("--tox-envs", help="the tox environments CI runs (default: .ci/run's CI_TOX_ENVS)")
    args = parser.parse_args()

    runs = ci_runs(args.tox_envs.split() if args.tox_envs else ci_tox_envs())
    if args.save:
        args.save.write_text("".join(f"{label}\t{host}\t{test_id}\n" for label, host, test_id in runs), "utf-8")
    print("CI's runs (tests selected):")
    print(summary(runs))
    ran = {(host, test_id) for _, host, test_id in runs}
    status = 0

    suite = {(host, test_id) for _, host, test_id in whole_suite()}
    nowhere = sorted(suite - ran)
    print(f"the suite: {len(suite)} (host, test) pairs; CI runs {len(ran & suite)} of them, {len(runs)} runs in all")
    if nowhere:
        status = 1
        print(f"{len(nowhere)} run nowhere in CI:")
        print("\n".join(f"  {host} {test_id}" for host, test_id in nowhere))

    if args.compare:
        old = [tuple(line.split("\t")) for line in args.compare.read_text("utf-8").splitlines()]
        print(f"{args.compare} (the other layout):")
        print(summary(old))  # type: ignore[arg-type]
        old_ran = {(host, test_id) for _, host, test_id in old}
        lost = sorted(old_ran - ran)
        print(f"it ran {len(old_ran)} (host, test) pairs, {len(old)} runs in all; this layout runs all but {len(lost)}")
        if lost:
            status = 1
            print("\n".join(f"  {host} {test_id}" for host, test_id in lost))
    return status


if __name__ == "__main__":
    sys.exit(main())
