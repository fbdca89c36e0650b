"""
The import-linter contracts fail on a planted violation (they are not vacuous).

Each test copies the package, ``.importlinter`` and ``tools/`` to a temporary directory, plants one import
that a contract forbids, and runs ``lint-imports`` there: it must fail and name the module and the import.
The unmodified copy passes, so the failure is the planted import's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# import-linter is a quality tool (requirements/quality.txt): `make test` and CI's quality step have it; the tox
# environments of the other Python x Django releases install only the test requirements.
pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed here (make test and make quality run it)"
)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("contracts")
    shutil.copytree(ROOT / "ve_edu_vault", target / "ve_edu_vault", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tools", target / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")
    return target


def lint(directory: Path) -> tuple[int, str]:
    """lint-imports' exit code and its output with whitespace collapsed (it wraps long lines)."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=directory, capture_output=True, text=True, timeout=300, check=False
    )
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def plant(directory: Path, module: str, line: str) -> Path:
    """A copy of ``directory`` with ``line`` appended to ``module`` (a dotted name)."""
    planted = directory.parent / f"{directory.name}-{module.replace('.', '_')}"
    if not planted.exists():
        shutil.copytree(directory, planted)
    path = planted.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text() + f"\n{line}\n")
    return planted


def test_the_unmodified_copy_keeps_every_contract(copy: Path) -> None:
    code, text = lint(copy)
    assert code == 0, text
    assert "0 broken" in text


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        # A model import outside the applet's door.
        (
            "ve_edu_vault.questions.api",
            "from ve_edu_vault.questions.models import Question  # noqa",
            "ve_edu_vault.questions.api imports ve_edu_vault.questions.models",
        ),
        # Another applet's models (the regrade applet reaches attempts only through the assessments repository).
        (
            "ve_edu_vault.regrade.grading",
            "from ve_edu_vault.assessments.models import Attempt  # noqa",
            "ve_edu_vault.regrade.grading imports ve_edu_vault.assessments.models",
        ),
        # A raw connection: what the built-in contracts cannot see (an import of the external package django).
        (
            "ve_edu_vault.regrade.api",
            "from django.db import connection  # noqa",
            "ve_edu_vault.regrade.api imports django.db.connection",
        ),
        # The applets on the ORM by design keep their models behind their store (course sync, mastery).
        (
            "ve_edu_vault.course_sync.api",
            "from ve_edu_vault.course_sync.models import CourseNode  # noqa",
            "ve_edu_vault.course_sync.api imports ve_edu_vault.course_sync.models",
        ),
        (
            "ve_edu_vault.mastery.api",
            "from ve_edu_vault.mastery.models import MasteryState  # noqa",
            "ve_edu_vault.mastery.api imports ve_edu_vault.mastery.models",
        ),
        # Prepared queries (Django compiler internals) outside a door.
        (
            "ve_edu_vault.questions.interchange_service",
            "from ve_edu_vault import prepared_queries  # noqa",
            "ve_edu_vault.questions.interchange_service imports ve_edu_vault.prepared_queries",
        ),
    ],
)
def test_a_planted_violation_breaks_the_storage_door(copy: Path, module: str, line: str, expected: str) -> None:
    code, text = lint(plant(copy, module, line))
    assert code != 0
    assert expected in text, text
    # (Another applet's models also break the applet-api contract: that one is tested below.)
    assert "only repositories and stores import models, prepared queries, raw connections BROKEN" in text, text


def test_a_planted_cycle_breaks_the_assessments_layers(copy: Path) -> None:
    """The grade outbox must not reach up to the tasks (it queues them by name): an import of them is refused."""
    planted = plant(copy, "ve_edu_vault.assessments.grades", "from ve_edu_vault.assessments import tasks  # noqa")
    code, text = lint(planted)
    assert code != 0
    assert "Assessments: no import cycles inside the applet" in text and "BROKEN" in text, text
    assert "ve_edu_vault.assessments.grades -> ve_edu_vault.assessments.tasks" in text, text


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        # Another applet's store: analytics reaches the mirror through course_sync.api only.
        (
            "ve_edu_vault.analytics.mastery_reports",
            "from ve_edu_vault.course_sync import store  # noqa",
            "ve_edu_vault.analytics.mastery_reports imports ve_edu_vault.course_sync.store",
        ),
        # Another applet's internal lifecycle module (the XBlock calls assessments.api).
        (
            "ve_edu_vault.xblock.block",
            "from ve_edu_vault.assessments import _results  # noqa",
            "ve_edu_vault.xblock.block imports ve_edu_vault.assessments._results",
        ),
    ],
)
def test_a_planted_import_of_an_internal_module_breaks_the_applet_api_contract(
    copy: Path, module: str, line: str, expected: str
) -> None:
    code, text = lint(plant(copy, module, line))
    assert code != 0
    assert expected in text, text
    assert "Other applets import only an applet's api and data* modules" in text and "1 broken" in text, text
    assert "(docs/decisions/0023-orm-stores-and-applet-boundaries.rst) BROKEN" in text, text


def test_an_allowed_import_that_no_longer_exists_breaks_the_applet_api_contract(copy: Path) -> None:
    """The exceptions only hold live imports: a line that matches nothing is an error, not a silent permission."""
    planted = copy.parent / f"{copy.name}-stale-allowed"
    if not planted.exists():
        shutil.copytree(copy, planted)
    config = planted / ".importlinter"
    config.write_text(
        config.read_text().replace(
            "allowed =\n", "allowed =\n    ve_edu_vault.analytics.api -> ve_edu_vault.course_sync.store\n", 1
        )
    )
    code, text = lint(planted)
    assert code != 0
    assert "allowed lists ve_edu_vault.analytics.api -> ve_edu_vault.course_sync.store, which matches no" in text, text
