"""
Test settings: the plugin's defaults; a missing JWT key set is only a warning in tests.

edx-platform applies these in its own test settings (``lms/envs/test.py``), so they must not point the
plugin at a backend that only exists in this repository's hosts: the hosts choose the stand-in
platform themselves (``hosts/base.py``).
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings: Any) -> None:
    common_plugin_settings(settings)
    if settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED is None:
        settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = False  # a warning in tests (ve_edu_vault.W001)
