"""Pack versions in the admin: to look at, never to add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from booster.programme.models import PackVersion


@admin.register(PackVersion)
class PackVersionAdmin(admin.ModelAdmin[PackVersion]):
    list_display = ("pack_id", "number", "label", "imported_at", "digest")
    list_filter = ("pack_id",)
    readonly_fields = ("pack_id", "number", "label", "digest", "imported_at", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
