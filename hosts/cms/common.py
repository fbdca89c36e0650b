"""
CMS host, common settings: what edx-platform's ``cms/envs/common.py`` does for plugins.

The plugin's apps come from the ``cms.djangoapp`` entry points and its settings are added by
edx-django-utils, with the same ProjectType and SettingsType names edx-platform uses.
"""

from __future__ import annotations

from edx_django_utils.plugins import add_plugins, get_plugin_apps

from hosts.base import *  # noqa: F403

PROJECT_TYPE = "cms.djangoapp"
VAULT_HOST = "cms"
ROOT_URLCONF = "hosts.cms.urls"

INSTALLED_APPS.extend(get_plugin_apps(PROJECT_TYPE))  # noqa: F405
INSTALLED_APPS.append("hosts.apps.HostPluginsConfig")  # noqa: F405
add_plugins(__name__, PROJECT_TYPE, "common")
