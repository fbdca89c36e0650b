"""
Production settings for the LMS and Studio: the plugin's defaults, nothing read from ``ENV_TOKENS``.

TLDR: current edx-platform turns every key of the YAML file (``LMS_CFG``/``CMS_CFG``) into a Django
setting *before* the plugins' settings run (lms/envs/production.py: ``vars().update(_YAML_TOKENS)``,
then ``add_plugins(__name__, ProjectType.LMS, SettingsType.PRODUCTION)``); ``ENV_TOKENS`` is kept there
"solely for backwards compatibility with existing plugins" and must not gain new readers. So a
``VE_EDU_VAULT_*`` key in the YAML, or in Tutor's settings patches, is already a setting here, and the
defaults below never overwrite a value that is set.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings: Any) -> None:
    common_plugin_settings(settings)
