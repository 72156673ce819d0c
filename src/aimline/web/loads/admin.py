from django.contrib import admin

from aimline.web.loads import models


@admin.register(models.LoadJob)
class LoadJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "district", "status", "step", "created_by")
    readonly_fields = [f.name for f in models.LoadJob._meta.fields]
