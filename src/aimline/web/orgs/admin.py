from typing import Any

from django.contrib import admin

from aimline.web.orgs import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "district")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "district", "network", "partnership")
    list_filter = ("role",)
    filter_horizontal = ("schools",)


admin.site.register(models.Partnership, filter_horizontal=("partners",))


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the site and changed by nobody."""

    list_display = ("at", "user", "action", "student_id", "school_id", "what")
    list_filter = ("action",)
    search_fields = ("student_id", "user__username")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(models.ApiToken, list_display=("user", "name", "prefix", "created_at"))
