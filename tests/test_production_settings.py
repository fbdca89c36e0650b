"""The production settings keep what the platform set from its YAML and never read ``ENV_TOKENS``."""

from __future__ import annotations

from types import SimpleNamespace

from ve_edu_vault.settings import production
from ve_edu_vault.settings.common import DEFAULTS


def test_values_set_from_the_yaml_win_and_env_tokens_are_not_read() -> None:
    # As lms/envs/production.py leaves the module before add_plugins: YAML keys are settings already;
    # ENV_TOKENS is the same YAML dict, kept for old plugins.
    settings = SimpleNamespace(
        VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=42,
        ENV_TOKENS={"VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS": 42, "VE_EDU_VAULT_LTI_ENABLED": True},
    )
    production.plugin_settings(settings)
    assert settings.VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS == 42
    # A key only in ENV_TOKENS (not a setting) is not picked up: the default stands.
    assert settings.VE_EDU_VAULT_LTI_ENABLED is DEFAULTS["VE_EDU_VAULT_LTI_ENABLED"]
    assert all(hasattr(settings, name) for name in DEFAULTS)
