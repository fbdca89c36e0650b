"""
The plugin's AppConfig: how edx-platform (and the hosts) find, configure and wire the plugin.

TLDR: everything the LMS or Studio needs to load the plugin is declared in ``plugin_app`` and read
by edx-django-utils' plugin functions; nothing here imports edx-platform. Receivers that need a
platform signal (the modulestore's ``SignalHandler.course_published``, the retirement signals) are
connected in ``ready()`` through the platform adapter, because ``signals_config`` can only name
importable signal paths.
"""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs

_LMS = "lms.djangoapp"
_CMS = "cms.djangoapp"

# openedx-events content-authoring signals: hints that a course changed in Studio. They only
# schedule a sync; the published outline is the truth.
_AUTHORING_SIGNALS = (
    "XBLOCK_PUBLISHED",
    "XBLOCK_DELETED",
    "XBLOCK_DUPLICATED",
    "COURSE_CREATED",
    "COURSE_IMPORT_COMPLETED",
    "COURSE_RERUN_COMPLETED",
)


def _settings_config() -> dict[str, dict[str, str]]:
    return {
        "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
        "production": {PluginSettings.RELATIVE_PATH: "settings.production"},
        "devstack": {PluginSettings.RELATIVE_PATH: "settings.devstack"},
        "test": {PluginSettings.RELATIVE_PATH: "settings.test"},
    }


def _cms_receivers() -> list[dict[str, str]]:
    return [
        {
            PluginSignals.RECEIVER_FUNC_NAME: "on_course_authoring_event",
            PluginSignals.SIGNAL_PATH: f"openedx_events.content_authoring.signals.{name}",
            PluginSignals.DISPATCH_UID: f"ve_edu_vault.course_sync.{name.lower()}",
        }
        for name in _AUTHORING_SIGNALS
    ]


class VeEduVaultConfig(AppConfig):
    """Plugin configuration for ve-edu-vault, for both the LMS and Studio."""

    name = "ve_edu_vault"
    label = "ve_edu_vault"
    verbose_name = "ve-edu-vault"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app: ClassVar[dict[str, dict[str, object]]] = {
        PluginURLs.CONFIG: {
            _LMS: {
                PluginURLs.NAMESPACE: "ve_edu_vault",
                PluginURLs.REGEX: r"^",
                PluginURLs.RELATIVE_PATH: "urls.lms",
            },
            _CMS: {
                PluginURLs.NAMESPACE: "ve_edu_vault",
                PluginURLs.REGEX: r"^",
                PluginURLs.RELATIVE_PATH: "urls.cms",
            },
        },
        PluginSettings.CONFIG: {
            _LMS: _settings_config(),
            _CMS: _settings_config(),
        },
        PluginSignals.CONFIG: {
            _LMS: {PluginSignals.RELATIVE_PATH: "course_sync.receivers", PluginSignals.RECEIVERS: []},
            _CMS: {
                PluginSignals.RELATIVE_PATH: "course_sync.receivers",
                PluginSignals.RECEIVERS: _cms_receivers(),
            },
        },
    }

    def ready(self) -> None:
        from ve_edu_vault import conf

        conf.validate_settings()
        conf.validate_storage()  # the MongoDB server, when that backend is chosen
        from ve_edu_vault import checks  # noqa: F401 (registers the plugin's system checks)
        from ve_edu_vault.assessments import tasks  # noqa: F401 (registers the tasks the applet queues by name)
        from ve_edu_vault.course_sync import receivers

        receivers.connect_platform_receivers()
        from ve_edu_vault.retirement import receivers as retirement_receivers

        retirement_receivers.connect_platform_receivers()  # the platform's learner-retirement signals
        from ve_edu_vault.lti import handlers as lti_handlers

        lti_handlers.connect_platform_receivers()  # a retired learner's LTI links go
        from ve_edu_vault.questions import api as questions_api

        questions_api.connect()  # archiving a node with questions counts as destructive
        from ve_edu_vault.hooks.signals import EVENT_RECORDED
        from ve_edu_vault.webhooks import api as webhooks_api

        # The webhook outbox: one row per event, written in the transaction of the change.
        EVENT_RECORDED.connect(webhooks_api.on_event_recorded, dispatch_uid="ve_edu_vault.webhooks.outbox")
        from ve_edu_vault.webhooks import handlers as webhook_handlers

        webhook_handlers.connect()  # the inbound course-publish handler
        from ve_edu_vault.analytics import handlers as analytics_handlers

        analytics_handlers.connect()  # graded attempts update the item statistics' summaries
