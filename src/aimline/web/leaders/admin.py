"""The admin sets up programmes, cohorts, candidates, courses and principal networks. Target
versions, decisions and certificates obey the models' lifecycle rules here too (`save`
refuses a skipped step), so they are shown read-only."""

from django.contrib import admin

from aimline.web.leaders import models as m


@admin.register(m.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "provider")
    filter_horizontal = ("staff",)


@admin.register(m.Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "cohort", "coach", "approver")
    filter_horizontal = ("schools",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.check_roles(list(form.instance.schools.all()))


class ReadOnly(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (m.Goal, m.Decision, m.Certificate, m.CoachingCorrection):
    admin.site.register(model, ReadOnly)
for model in (m.Cohort, m.Course, m.CourseSession, m.PrincipalNetwork, m.NetworkMeeting,
              m.SchoolVisit, m.Practice):
    admin.site.register(model)
