"""Operators create organisations and name their coordinators in the admin site. Neither
model holds anything a member wrote."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from booster.core.models import audit_log
from booster.organisations.models import Coordinator, Organisation


class CoordinatorInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Coordinator
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "retention_days", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    inlines = (CoordinatorInline,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            audit_log(
                actor=request.user,
                action="organisations.settings_changed",
                organisation_id=obj.pk,
                fields=sorted(form.changed_data),
            )
        else:
            audit_log(actor=request.user, action="organisations.created", organisation_id=obj.pk)


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "user", "created_at")
    list_select_related = ("organisation", "user")
    autocomplete_fields = ("user",)
    list_filter = ("organisation",)
