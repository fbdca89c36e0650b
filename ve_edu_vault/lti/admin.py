"""
Django admin of the LTI tool: platform registrations (with deployments and keys), resource links, LTI users.

TLDR: private keys are never shown (the key inline lists kid, dates and retirement only); rotating and
retiring keys are admin actions that go through ``lti.api`` so they leave an audit line; hand edits of registrations,
links and user links are in the audit log too (``AuditedAdminMixin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from ve_edu_vault.audit.admin import AuditedAdminMixin

from . import api
from .models import LtiDeployment, LtiPlatform, LtiResourceLink, LtiScore, LtiToolKey, LtiUserLink


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
class LtiPlatformAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
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
class LtiResourceLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("resource_link_id", "context_id", "deployment", "assessment_id", "created_by", "modified")
    search_fields = ("resource_link_id", "context_id")
    raw_id_fields = ("deployment",)


@admin.register(LtiUserLink)
class LtiUserLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("issuer", "sub", "user", "created", "last_launch")
    search_fields = ("issuer", "sub")
    raw_id_fields = ("user",)
    readonly_fields = ("issuer", "sub", "user", "created", "last_launch")


class ScoreStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("failing", "Failing (waiting to retry)"), ("queued", "Queued"), ("delivered", "Delivered")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "failing":
            return queryset.filter(due_at__isnull=False, tries__gt=0)
        if self.value() == "queued":
            return queryset.filter(due_at__isnull=False)
        if self.value() == "delivered":
            return queryset.filter(due_at__isnull=True)
        return queryset


@admin.register(LtiScore)
class LtiScoreAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The AGS outbox: failures show their error and next try; "Retry now" sends them at once."""

    list_display = ("binding", "sub", "score_given", "score_maximum", "due_at", "tries", "last_error", "delivered_at")
    list_filter = (ScoreStateFilter,)
    search_fields = ("sub", "binding__resource_link_id")
    readonly_fields = tuple(field.name for field in LtiScore._meta.fields)
    actions = ("retry_now",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.action(description="Retry now (send the selected queued or failing scores)")
    def retry_now(self, request: Any, queryset: Any) -> None:
        count = api.retry_scores(
            list(queryset.values_list("pk", flat=True)), actor=request.user.get_username(), user=request.user
        )
        self.message_user(request, f"{count} score(s) will be sent now.", messages.SUCCESS)
