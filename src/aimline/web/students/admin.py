from typing import Any

from django.contrib import admin

from aimline.web.orgs.models import AuditEntry
from aimline.web.orgs.studentlog import log_students
from aimline.web.students import models


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
            log_students(request, AuditEntry.VIEW, [(iv.student_id, iv.school_id)],
                         what=f"admin: intervention {iv.pk}")
        return super().change_view(request, object_id, form_url, extra_context)
