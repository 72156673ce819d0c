"""The admin sets up programmes, cohorts, candidates, courses and principal networks. Target
versions, decisions and certificates obey the models' lifecycle rules here too (`save`
refuses a skipped step), so they are shown read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from aimline.web.leaders import models as m


@admin.register(m.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "provider")
    filter_horizontal = ("staff",)


class CandidateForm(forms.ModelForm):
    class Meta:
        model = m.Candidate
        fields = "__all__"

    def clean(self) -> dict:
        """The roles the candidacy needs (`Candidate.check_roles`), before anything is
        saved."""
        d = super().clean()
        if all(d.get(k) for k in ("user", "kind", "district", "approver")):
            probe = m.Candidate(user=d["user"], kind=d["kind"], district=d["district"],
                                approver=d["approver"])
            try:
                probe.check_roles(list(d.get("schools") or []))
            except ValidationError as e:
                raise forms.ValidationError(e.messages) from None
        return d


@admin.register(m.Candidate)
class CandidateAdmin(admin.ModelAdmin):
    form = CandidateForm
    list_display = ("user", "kind", "cohort", "coach", "approver")
    filter_horizontal = ("schools",)


class ReadOnly(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (m.Goal, m.Decision, m.Certificate):
    admin.site.register(model, ReadOnly)
for model in (m.Cohort, m.Course, m.CourseSession, m.PrincipalNetwork, m.NetworkMeeting,
              m.SchoolVisit, m.Practice):
    admin.site.register(model)
