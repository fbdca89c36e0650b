"""
Smoke test: the vault's settings as Tutor renders them, loaded into the LMS and Studio hosts.

The rest of Tutor's settings files need edx-platform, so only the vault's patch code is taken from
the rendered ``production.py`` files and executed after the host's own settings, the way Tutor's
files execute it after edx-platform's. The plugin must start (`manage.py check`, which runs the
plugin's ``ready()`` and its settings validation) and the values must be the ones set in Tutor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tutor_plugin_helpers import REPO_ROOT, vault_settings_code

_PRINT_SETTINGS = """
import json
from django.apps import apps
from django.conf import settings
names = [name for name in dir(settings) if name.startswith("VE_EDU_VAULT_")]
print(json.dumps({
    "installed": apps.is_installed("ve_edu_vault"),
    "settings": {name: getattr(settings, name) for name in names},
    "EXPLICIT_QUEUES": settings.EXPLICIT_QUEUES,
    "CELERYBEAT_SCHEDULE": getattr(settings, "CELERYBEAT_SCHEDULE", None),
}))
"""


@pytest.fixture(scope="module")
def rendered_root(make_root: Callable[..., Path]) -> Path:
    return make_root(
        "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=42",
        "VE_EDU_VAULT_AUTO_SYNC_ENABLED=false",
        "VE_EDU_VAULT_LTI_ENABLED=true",
        "VE_EDU_VAULT_CELERY_QUEUE=vault.smoke",
        "VE_EDU_VAULT_SWEEP_INTERVAL_SECONDS=15",
        name="smoke",
    )


def _settings_module(rendered_root: Path, tmp_path: Path, service: str) -> str:
    """Write `<tmp>/tutor_rendered/<service>_settings.py`: the host's settings, then the vault's patch."""
    package = tmp_path / "tutor_rendered"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    code = vault_settings_code(rendered_root, service)
    assert code, f"no ve-edu-vault settings rendered for {service}"
    (package / f"{service}_settings.py").write_text(
        f"from hosts.{service}.settings import *  # noqa: F403\n\n{code}\n", encoding="utf-8"
    )
    return f"tutor_rendered.{service}_settings"


def _manage(service: str, module: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO_ROOT)])
    env["VAULT_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), service, f"--settings={module}", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("service", ["lms", "cms"])
def test_plugin_starts_with_the_rendered_tutor_settings(rendered_root: Path, tmp_path: Path, service: str) -> None:
    if not (REPO_ROOT / "hosts" / service / "settings.py").exists():
        pytest.fail(f"hosts/{service}/settings.py is missing: the smoke test loads the Tutor settings into it")
    module = _settings_module(rendered_root, tmp_path, service)

    check = _manage(service, module, tmp_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr

    shell = _manage(service, module, tmp_path, "shell", "-c", _PRINT_SETTINGS)
    assert shell.returncode == 0, shell.stdout + shell.stderr
    loaded = json.loads(shell.stdout.strip().splitlines()[-1])
    assert loaded["installed"] is True
    values = loaded["settings"]
    assert values["VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS"] == 42
    assert values["VE_EDU_VAULT_AUTO_SYNC_ENABLED"] is False
    assert values["VE_EDU_VAULT_LTI_ENABLED"] is True
    assert values["VE_EDU_VAULT_CELERY_QUEUE"] == "vault.smoke"
    assert values["VE_EDU_VAULT_STORAGE_BACKEND"] == "django"
    secret = values["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"]
    assert len(secret) == 32
    assert secret in (rendered_root / "config.yml").read_text(encoding="utf-8")
    # The patch leaves the platform backend alone: the host's choice stands (Open edX: the plugin's default).
    assert values["VE_EDU_VAULT_PLATFORM_BACKEND"] == "hosts.standalone_platform.backend"
    assert loaded["EXPLICIT_QUEUES"]["ve_edu_vault.course_sync.tasks.sync_course"] == {"queue": "vault.smoke"}
    if service == "lms":
        sweep = loaded["CELERYBEAT_SCHEDULE"]["ve-edu-vault-sweep-expired-attempts"]
        assert sweep["task"] == "ve_edu_vault.assessments.tasks.sweep_expired_attempts"
        assert sweep["schedule"] == 15.0
    else:
        assert loaded["CELERYBEAT_SCHEDULE"] is None
