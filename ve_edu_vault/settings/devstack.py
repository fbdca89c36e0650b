"""
Development settings for the LMS and Studio (edx-platform's ``lms/envs/devstack.py`` and Tutor's
development mode load them after the production settings, with ``SettingsType.DEVSTACK``).

TLDR: the production defaults, except that a missing JWT public key set is a warning here.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings: Any) -> None:
    common_plugin_settings(settings)
    if settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED is None:
        settings.VE_EDU_VAULT_JWT_KEYS_REQUIRED = False  # a warning on a development machine
