from django.contrib import admin

from aimline.web.surveys.models import Item, Survey


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "anonymous", "min_n", "opens", "closes"]
    filter_horizontal = ["staff", "readers"]
    inlines = [ItemInline]
