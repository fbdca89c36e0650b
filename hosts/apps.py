"""
The hosts' stand-in for edx-platform's ``openedx.core.djangoapps.plugins`` app: connects plugin receivers.

edx-platform calls ``connect_plugin_receivers(project_type)`` in that app's ``ready()``; so do we.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from edx_django_utils.plugins import connect_plugin_receivers


class HostPluginsConfig(AppConfig):
    name = "hosts"
    label = "vault_hosts"
    verbose_name = "Host plugin wiring"

    def ready(self) -> None:
        connect_plugin_receivers(settings.PROJECT_TYPE)
