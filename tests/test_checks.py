"""
The plugin's system check on JWT signing keys (ve_edu_vault.E001 / W001), in process and at start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from rest_framework.authentication import SessionAuthentication

from tests.conftest import REPO_ROOT
from ve_edu_vault import checks
from ve_edu_vault.rest_api.views import VaultViewMixin

pytestmark = pytest.mark.both_hosts


def without_public_keys(**changes: Any) -> dict[str, Any]:
    jwt_auth = {name: value for name, value in settings.JWT_AUTH.items() if name != "JWT_PUBLIC_SIGNING_JWK_SET"}
    return {**jwt_auth, **changes}


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_the_hosts_configured_keys_pass() -> None:
    assert checks.check_jwt_signing_keys() == []


@pytest.mark.parametrize("required", [True, None])
def test_a_missing_key_set_is_an_error_when_required(settings: Any, required: bool | None) -> None:
    settings.JWT_AUTH = without_public_keys()
    settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = required
    messages = checks.check_jwt_signing_keys()
    assert ids(messages) == ["ve_edu_vault.E001"]
    assert 'JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] is not set' in messages[0].msg
    assert "VaultJwtAuthentication" in messages[0].msg
    with pytest.raises(SystemCheckError, match=r"ve_edu_vault\.E001"):
        call_command("check")


def test_a_missing_key_set_is_a_warning_in_development(settings: Any, capsys: Any) -> None:
    settings.JWT_AUTH = without_public_keys()
    settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = False
    assert ids(checks.check_jwt_signing_keys()) == ["ve_edu_vault.W001"]
    call_command("check")  # does not raise
    assert "ve_edu_vault.W001" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "is not set"),
        ('{"keys": []}', "cannot be read as a JWK set"),
        ('{"keys": [{"kty": "RSA", "kid": "openedx"}]}', "cannot be read as a JWK set"),
        ("not json", "cannot be read as a JWK set"),
        ({"keys": [{"kty": "RSA"}]}, "must be a JSON string"),
    ],
)
def test_an_empty_or_unreadable_key_set_is_an_error(settings: Any, value: Any, problem: str) -> None:
    settings.JWT_AUTH = without_public_keys(JWT_PUBLIC_SIGNING_JWK_SET=value)
    settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = True
    messages = checks.check_jwt_signing_keys()
    assert ids(messages) == ["ve_edu_vault.E001"]
    assert problem in messages[0].msg


def test_no_message_when_no_jwt_authentication_is_in_use(settings: Any, monkeypatch: Any) -> None:
    settings.JWT_AUTH = without_public_keys()
    settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = True
    monkeypatch.setattr(VaultViewMixin, "authentication_classes", (SessionAuthentication,))
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"]
    }
    assert checks.check_jwt_signing_keys() == []
    # and the platform's own JWT authentication (DRF defaults) counts
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"]
    }
    assert ids(checks.check_jwt_signing_keys()) == ["ve_edu_vault.E001"]


def test_the_toggle_is_validated_at_start_up(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from ve_edu_vault import conf

    settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = "yes"
    with pytest.raises(ImproperlyConfigured, match="VE_EDU_VAULT_JWT_KEYS_REQUIRED"):
        conf.validate_settings()


def test_the_settings_types_decide_the_default(settings: Any) -> None:
    from types import SimpleNamespace

    from ve_edu_vault.settings import devstack, production, test

    for module, expected in ((production, None), (devstack, False), (test, False)):
        namespace = SimpleNamespace()
        module.plugin_settings(namespace)
        assert namespace.VE_EDU_VAULT_JWT_KEYS_REQUIRED is expected, module.__name__
    explicit = SimpleNamespace(VE_EDU_VAULT_JWT_KEYS_REQUIRED=True)
    devstack.plugin_settings(explicit)
    assert explicit.VE_EDU_VAULT_JWT_KEYS_REQUIRED is True  # an operator's value is kept


def _manage(data_dir: Path, *args: str, required: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.pop("VAULT_TEST_JWT_KEYS_REQUIRED", None)
    # a database of its own: ``migrate`` connects before its checks run, and must not touch the suite's
    env.update({"VAULT_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{data_dir / 'vault.sqlite3'}"})
    if required is not None:
        env["VAULT_TEST_JWT_KEYS_REQUIRED"] = required
    return subprocess.run(
        [sys.executable, "manage.py", "lms", "--settings=tests.settings_without_jwt_keys", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [["check"], ["migrate", "--plan"]])
def test_production_settings_without_keys_refuse_to_start(command: list[str], tmp_path: Path) -> None:
    result = _manage(tmp_path, *command)
    assert result.returncode != 0
    assert "ve_edu_vault.E001" in result.stderr
    assert "SystemCheckError" in result.stderr


def test_development_settings_without_keys_start_with_a_warning(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", required="0")
    assert result.returncode == 0, result.stderr
    assert "ve_edu_vault.W001" in result.stderr
