from typing import Any

from django.contrib import admin

from aimline.web import models
from aimline.web.audit import log_students


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
admin.site.register(models.Network, filter_horizontal=("schools",))


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


@admin.register(models.LoadJob)
class LoadJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "district", "status", "step", "created_by")
    readonly_fields = [f.name for f in models.LoadJob._meta.fields]


@admin.register(models.Intervention)
class InterventionAdmin(admin.ModelAdmin):
    """Interventions name a student: opening one is a logged view of the student, and a
    restricted note stays with the author's school (the admin never shows it)."""

    list_display = ("student_id", "school_id", "kind", "start", "end", "restricted")
    list_filter = ("kind", "restricted")

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        fields = ["student_id", "school_id", "kind", "start", "end", "owner", "note",
                  "restricted"]
        if obj is not None and obj.restricted:
            fields.remove("note")
        return fields

    def change_view(self, request: Any, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> Any:
        iv = self.get_object(request, object_id)
        if iv is not None:
            log_students(request, models.AuditEntry.VIEW, [(iv.student_id, iv.school_id)],
                         what=f"admin: intervention {iv.pk}")
        return super().change_view(request, object_id, form_url, extra_context)
admin.site.register(models.ApiToken, list_display=("user", "name", "prefix", "created_at"))
