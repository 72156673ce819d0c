from django.contrib import admin

from aimline.web.induction.models import (
    Candidate,
    Coach,
    Commitment,
    Coordinator,
    Mou,
    Partnership,
    Signer,
    Standard,
    Triad,
)


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 0


class SignerInline(admin.TabularInline):
    model = Signer
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "provider"]
    filter_horizontal = ["districts", "staff"]
    inlines = [CoordinatorInline, SignerInline]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Mou)
class MouAdmin(admin.ModelAdmin):
    """Signing happens on the site (by each party's signer); a signed version refuses
    any change here too (`Mou.save`)."""

    list_display = ["partnership", "version", "status", "starts", "ends"]
    readonly_fields = ["status"]
    inlines = [CommitmentInline]


admin.site.register(Candidate)
admin.site.register(Coach)
admin.site.register(Triad)
admin.site.register(Standard)
