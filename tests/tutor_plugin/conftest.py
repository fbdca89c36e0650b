"""
Fixtures for the Tutor plugin tests: a temporary TUTOR_ROOT with the plugin enabled, rendered by the real CLI.

The helpers live in ``tutor_plugin_helpers`` (a unique module name: these test folders have no
``__init__.py``, and another ``conftest`` may be imported first under the same name).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tutor_plugin_helpers import PLUGIN, TUTOR, run_tutor


@pytest.fixture(scope="session")
def tutor_available() -> None:
    if not TUTOR.exists():
        pytest.fail(f"{TUTOR} not found: pip install 'tutor==22.0.3' -e tutor_plugin into {sys.prefix}")
    listing = subprocess.run(
        [str(TUTOR), "plugins", "list"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    if not re.search(rf"^{re.escape(PLUGIN)}\s", listing, re.M):
        pytest.fail(f"The {PLUGIN} Tutor plugin is not installed: pip install -e tutor_plugin\n{listing}")


@pytest.fixture(scope="module")
def make_root(tutor_available: None, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Make a Tutor project root with the plugin (and ``plugins``) enabled, then `config save --set` each value."""

    def make(*settings: str, name: str = "tutor-root", plugins: tuple[str, ...] = ()) -> Path:
        root = tmp_path_factory.mktemp(name)
        run_tutor(root, "plugins", "enable", *plugins, PLUGIN)
        # `plugins enable` renders env/ only; `config save` also writes the generated secrets to
        # config.yml, as `tutor local launch` does after an operator enables a plugin.
        args = ["config", "save"]
        for setting in settings:
            args += ["--set", setting]
        run_tutor(root, *args)
        return root

    return make


@pytest.fixture(scope="module")
def default_root(make_root: Callable[..., Path]) -> Path:
    """A site with the plugin enabled and every setting at its default."""
    return make_root(name="default")
