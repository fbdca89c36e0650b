"""The audit log in the Django admin: read-only (no add, change or delete, even for superusers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    list_display = ("created", "action", "course_key", "actor", "learner_id", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("course_key", "object_id", "=learner_id", "actor__username")
    date_hierarchy = "created"
    readonly_fields = tuple(field.name for field in AuditEntry._meta.fields)
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
