"""The distribution's metadata points at files that exist: the license named in setup.cfg is shipped."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.both_hosts


def test_the_license_files_named_in_setup_cfg_exist_and_match_the_declared_license() -> None:
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg")
    metadata = parser["metadata"]
    assert metadata["license"] == "AGPL-3.0"
    names = metadata["license_files"].split()
    assert names
    for name in names:
        text = (REPO / name).read_text(encoding="utf-8")
        assert "GNU AFFERO GENERAL PUBLIC LICENSE" in text and "Version 3, 19 November 2007" in text
    assert "GNU Affero General Public License v3" in metadata["classifiers"]


def test_make_demo_installs_only_what_the_demo_runs() -> None:
    """``make demo`` needs neither the test and quality tools, nor Tutor, npm packages or Chromium."""
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = subprocess.run(
        ["make", "-n", "demo"], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "requirements/demo.txt" in plan and "host_import_course" in plan and "vault_init --demo" in plan
    for heavy in ("requirements/dev.txt", "requirements/test.txt", "system-packages", "npm", "tutor_plugin"):
        assert heavy not in plan, heavy
    demo_in = (REPO / "requirements" / "demo.in").read_text(encoding="utf-8")
    pinned = (REPO / "requirements" / "demo.txt").read_text(encoding="utf-8").lower()
    for tool in ("pytest", "playwright", "tutor", "mypy", "ruff"):
        assert f"\n{tool}==" not in pinned and tool not in demo_in.split("#")[0]
    # CI still installs everything: the development requirements and the system packages.
    full = subprocess.run(["make", "-n", "requirements"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "requirements/dev.txt" in full and "system-packages" in full and "npm ci" in full


def test_the_demo_requirements_pin_everything_the_package_needs() -> None:
    """requirements/demo.txt is base.txt plus the hosts' DATABASE_URL reader: a new runtime pin must reach it."""

    def pins(name: str) -> set[str]:
        lines = (REPO / "requirements" / name).read_text(encoding="utf-8").splitlines()
        return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))}

    assert pins("demo.txt") - pins("base.txt") == {
        next(line for line in pins("test.txt") if line.startswith("dj-database-url=="))
    }
    assert pins("base.txt") <= pins("demo.txt")
