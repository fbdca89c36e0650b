"""Test settings: the standalone platform backend, so that no edx-platform code is needed."""

from __future__ import annotations

from typing import Any

from ve_edu_vault.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings: Any) -> None:
    if not hasattr(settings, "VE_EDU_VAULT_PLATFORM_BACKEND"):
        settings.VE_EDU_VAULT_PLATFORM_BACKEND = "standalone"
    common_plugin_settings(settings)
    if settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED is None:
        settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = False  # a warning in tests (ve_edu_vault.W001)
