"""The plugin loads in the LMS and Studio hosts exactly as edx-platform loads plugins."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

REPO = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("lms", "cms", "common", "openedx", "xmodule")

pytestmark = pytest.mark.both_hosts


def test_entry_points_name_the_app_config_for_both_processes() -> None:
    for group in ("lms.djangoapp", "cms.djangoapp"):
        names = {ep.name: ep.value for ep in entry_points(group=group)}
        assert names.get("ve_edu_vault") == "ve_edu_vault.apps:VeEduVaultConfig"


def test_plugin_app_is_installed_with_its_settings_and_urls() -> None:
    assert apps.is_installed("ve_edu_vault")
    assert settings.VE_EDU_VAULT_PLATFORM_BACKEND == "hosts.standalone_platform.backend"  # the host's value is kept
    assert settings.VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS == 10  # the plugin's default was added
    assert reverse("ve_edu_vault:health") == "/api/ve-edu-vault/v1/health/"


def test_receivers_are_connected_per_process() -> None:
    from openedx_events.content_authoring.signals import XBLOCK_PUBLISHED

    connected = bool(XBLOCK_PUBLISHED.receivers)
    assert connected is (settings.VAULT_HOST == "cms"), "openedx-events receivers belong to Studio only"


def test_edx_platform_is_absent_here() -> None:
    for name in PLATFORM_MODULES:
        assert importlib.util.find_spec(name) is None, f"{name} is importable: these tests must run without it"


def _platform_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [
            f"{path.relative_to(REPO)}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in PLATFORM_MODULES
        ]
    return found


def test_only_the_platform_backends_import_edx_platform() -> None:
    offenders = []
    backends = REPO / "ve_edu_vault" / "platform" / "backends"
    for path in (REPO / "ve_edu_vault").rglob("*.py"):
        if path.parent == backends and path.name.startswith("edx_platform"):
            continue
        offenders += _platform_imports(path)
    assert offenders == []
    # and the check can fail: the edx-platform backend does import it
    assert _platform_imports(backends / "edx_platform_verawood.py")


def _manage(service: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", service, *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.every_database  # manage.py check loads the DATABASE_URL's backend
@pytest.mark.parametrize("service", ["lms", "cms"])
def test_hosts_start(service: str) -> None:
    result = _manage(service, "check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"VE_EDU_VAULT_PLATFORM_BACKEND": "nonsense"}, "VE_EDU_VAULT_PLATFORM_BACKEND"),
        ({"VE_EDU_VAULT_PLATFORM_BACKEND": "no.such.module"}, "VE_EDU_VAULT_PLATFORM_BACKEND"),
        ({"VE_EDU_VAULT_OUTLINE_SOURCE": "blocks_api"}, "VE_EDU_VAULT_BLOCKS_API_URL"),
        ({"VE_EDU_VAULT_OUTLINE_SOURCE": "carrier-pigeon"}, "VE_EDU_VAULT_OUTLINE_SOURCE"),
    ],
)
def test_bad_configuration_fails_at_start_up_naming_the_setting(env: dict[str, str], named: str) -> None:
    result = _manage("lms", "check", env=env)
    assert result.returncode != 0
    assert f"setting {named}" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_the_edx_platform_backend_is_the_default_and_imports_without_edx_platform() -> None:
    from ve_edu_vault.settings.common import DEFAULTS

    assert DEFAULTS["VE_EDU_VAULT_PLATFORM_BACKEND"] == "edx_platform"
    module = importlib.import_module("ve_edu_vault.platform.backends.edx_platform_verawood")
    with pytest.raises(ModuleNotFoundError):
        module.course_published_signal()  # reaches for xmodule only when called


def test_every_module_of_the_package_imports_without_edx_platform() -> None:
    import pkgutil

    import ve_edu_vault

    names = [info.name for info in pkgutil.walk_packages(ve_edu_vault.__path__, "ve_edu_vault.")]
    assert "ve_edu_vault.platform.backends.edx_platform_verawood" in names
    for name in names:
        importlib.import_module(name)


def test_only_the_platform_facade_reaches_a_backend() -> None:
    """Nothing calls a backend module but ``platform/api.py`` (the course tab and the demo once did)."""
    offenders = []
    allowed = {REPO / "ve_edu_vault" / "platform" / "api.py", REPO / "ve_edu_vault" / "platform" / "backends"}
    for path in (REPO / "ve_edu_vault").rglob("*.py"):
        if path in allowed or path.parent in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            if any(
                name.startswith("ve_edu_vault.platform.backends") or name.startswith("hosts") for name in names
            ) or "get_backend" in {getattr(node, "attr", "")}:
                offenders.append(f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}")
    assert offenders == []


@pytest.mark.parametrize("name", ["VE_EDU_VAULT_ANSWER_MAX_PART_BYTES", "VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES"])
@pytest.mark.parametrize("value", [0, 63, -1, "16k", True, None])
def test_answer_size_limits_are_checked_at_start_up(name: str, value: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.test import override_settings

    from ve_edu_vault import conf

    conf.validate_settings()  # the defaults are valid
    assert (conf.answer_max_part_bytes(), conf.answer_max_request_bytes()) == (204800, 1048576)
    with override_settings(**{name: value}), pytest.raises(ImproperlyConfigured, match=f"setting {name} "):
        conf.validate_settings()
