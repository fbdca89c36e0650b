"""
Helpers for the Tutor plugin tests: the real ``tutor`` CLI, run in a subprocess on a temporary TUTOR_ROOT.

TLDR: nothing here needs Docker. ``tutor config save`` and ``tutor plugins enable`` render the whole
environment (Dockerfile, settings, docker-compose, Kubernetes manifests) to ``$TUTOR_ROOT/env``; the
tests read those files. Needs ``pip install "tutor==22.0.3" -e tutor_plugin`` in the same venv.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = "ve-edu-vault"
REPO_ROOT = Path(__file__).resolve().parents[2]
TUTOR = Path(sys.executable).with_name("tutor")

_VAULT_BLOCK = re.compile(r"^# BEGIN ve-edu-vault.*?^# END ve-edu-vault[^\n]*$", re.M | re.S)


def tutor_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TUTOR_ROOT"] = str(root)
    # Keep the user's YAML plugins (if any) out of the test.
    env["TUTOR_PLUGINS_ROOT"] = str(root / "plugins-root")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_tutor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `tutor ARGS...` with TUTOR_ROOT=root; fail the test with tutor's output if it fails."""
    result = subprocess.run(
        [str(TUTOR), *args], env=tutor_env(root), capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"tutor {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def read(root: Path, relative: str) -> str:
    return (root / "env" / relative).read_text(encoding="utf-8")


def vault_settings_code(root: Path, service: str, environment: str = "production") -> str:
    """The vault's settings code as rendered into one Tutor settings file (all its patches, in order)."""
    text = read(root, f"apps/openedx/settings/{service}/{environment}.py")
    return "\n\n".join(match.group(0) for match in _VAULT_BLOCK.finditer(text))


def exec_settings(code: str, **existing: object) -> dict[str, object]:
    """Execute settings code in a namespace holding `existing` (what edx-platform defined before)."""
    namespace: dict[str, object] = {"__name__": "rendered_settings", **existing}
    exec(compile(code, "<rendered settings>", "exec"), namespace)
    return namespace
