"""
Webhooks in the Django admin: subscriptions (staff create, edit, enable and rotate), deliveries (read-only, replay).

TLDR: the admin writes through ``webhooks.api`` for what has rules (URL checks, secrets, replays); the secret is shown
once, in the message after it is made or rotated. Every staff action and hand edit is in the audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ve_edu_vault.audit.admin import AuditedAdminMixin
from ve_edu_vault.errors import ValidationError as VaultValidationError

from . import api
from .models import WebhookDelivery, WebhookSubscription


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WebhookSubscription
        fields = ["url", "description", "course_key", "event_types", "active"]

    def clean_url(self) -> str:
        from .urlguard import BlockedURLError, check_url

        url = str(self.cleaned_data["url"])
        try:
            check_url(url)
        except BlockedURLError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url

    def clean_event_types(self) -> Any:
        value = self.cleaned_data.get("event_types") or []
        try:
            return api._event_types(value)
        except VaultValidationError as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = SubscriptionForm
    list_display = ("id", "url", "course_key", "active", "consecutive_failures", "disabled_at", "created")
    list_filter = ("active",)
    readonly_fields = (
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires",
        "created_by",
    )
    actions = ["rotate_secrets", "enable"]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        if not change:
            from .signing import new_secret

            obj.secret = new_secret()
            obj.created_by = request.user  # type: ignore[assignment]
            messages.warning(request, f"The signing secret of this subscription (shown once): {obj.secret}")
        super().save_model(request, obj, form, change)

    @admin.action(description="Rotate the signing secret (the old one keeps signing during the overlap)")
    def rotate_secrets(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for row in queryset:
            _data, secret = api.rotate_secret(row.pk, actor=request.user)
            messages.warning(request, f"New secret of subscription {row.pk} (shown once): {secret}")

    @admin.action(description="Enable again (clears the failure count)")
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for row in queryset:
            api.update_subscription(row.pk, active=True, actor=request.user)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "subscription", "event", "status", "attempts", "response_status", "last_attempt_at")
    list_filter = ("status",)
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Replay (send again, same message id)")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for row in queryset:
            api.replay_delivery(row.subscription_id, row.pk, actor=request.user)
