"""
Production settings for the LMS and Studio.

Tutor writes the vault's settings as Python in the LMS/CMS settings patches, after the plugins'
settings run, so nothing is needed for it here. Operators of YAML-configured deployments can set
``VE_EDU_VAULT_*`` keys in the environment tokens (``ENV_TOKENS``), which win over the defaults.
"""

from __future__ import annotations

from typing import Any

from ve_edu_vault.settings.common import DEFAULTS
from ve_edu_vault.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings: Any) -> None:
    common_plugin_settings(settings)
    env_tokens = getattr(settings, "ENV_TOKENS", None) or {}
    for name in DEFAULTS:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
