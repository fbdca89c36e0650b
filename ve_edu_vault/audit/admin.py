"""
The audit log in the Django admin: read-only (no add, change or delete, even for superusers); and the mixin that
audits other admins' hand edits (``AuditedAdminMixin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from opaque_keys.edx.keys import CourseKey

from .api import ADMIN_CHANGE, record
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


class AuditedAdminMixin:
    """
    Mix into a ``ModelAdmin`` whose records staff change by hand: every add, change and delete (and each inline
    row's) writes an ``admin_change`` entry in the save's transaction (the admin wraps saves in one), naming the
    model, the record and the fields changed (never their values: some are secrets).
    """

    def _audit(self, request: HttpRequest, obj: Any, verb: str, fields: list[str]) -> None:
        course_key = getattr(obj, "course_key", None)
        record(
            ADMIN_CHANGE,
            object_type=type(obj)._meta.model_name[:32],
            object_id=obj.pk,
            course_key=course_key if isinstance(course_key, CourseKey) else None,
            actor=request.user,
            details={"verb": verb, "fields": sorted(fields), "repr": str(obj)[:200]},
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._audit(request, obj, "changed" if change else "added", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, "deleted", [])
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit(request, obj, "deleted", [])
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            self._audit(request, obj, "added", [])
        for obj, fields in formset.changed_objects:
            self._audit(request, obj, "changed", list(fields))
        for obj in formset.deleted_objects:
            self._audit(request, obj, "deleted", [])
