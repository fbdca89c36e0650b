"""
Django admin of the LTI tool: platform registrations (with deployments and keys), resource links, LTI users.

TLDR: private keys are never shown (the key inline lists kid, dates and retirement only); rotating and
retiring keys are admin actions that go through ``lti.api`` so they leave an audit line.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from . import api
from .models import LtiDeployment, LtiPlatform, LtiResourceLink, LtiToolKey, LtiUserLink


class DeploymentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LtiDeployment
    extra = 0
    fields = ("deployment_id", "active", "created")
    readonly_fields = ("created",)


class ToolKeyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LtiToolKey
    extra = 0
    can_delete = False
    fields = ("kid", "created", "retired_at")
    readonly_fields = ("kid", "created", "retired_at")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("issuer", "client_id", "name", "active", "modified")
    list_filter = ("active",)
    search_fields = ("issuer", "client_id", "name")
    inlines = (DeploymentInline, ToolKeyInline)
    actions = ("rotate_keys", "retire_old_keys")

    @admin.action(description="Rotate the tool key (the old key stays in the JWKS until retired)")
    def rotate_keys(self, request: Any, queryset: Any) -> None:
        for row in queryset:
            kid = api.rotate_key(issuer=row.issuer, client_id=row.client_id, actor=request.user.get_username())
            self.message_user(request, f"{row}: new key {kid}.", messages.SUCCESS)

    @admin.action(description="Retire every tool key but the newest (they leave the JWKS)")
    def retire_old_keys(self, request: Any, queryset: Any) -> None:
        for row in queryset:
            count = api.retire_old_keys(issuer=row.issuer, client_id=row.client_id, actor=request.user.get_username())
            self.message_user(request, f"{row}: {count} key(s) retired.", messages.SUCCESS)


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("resource_link_id", "context_id", "deployment", "assessment_id", "created_by", "modified")
    search_fields = ("resource_link_id", "context_id")
    raw_id_fields = ("deployment",)


@admin.register(LtiUserLink)
class LtiUserLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("issuer", "sub", "user", "created", "last_launch")
    search_fields = ("issuer", "sub")
    raw_id_fields = ("user",)
    readonly_fields = ("issuer", "sub", "user", "created", "last_launch")
