"""The induction forms: a commitment, a reflection, a triad meeting."""

from __future__ import annotations

from django import forms

from aimline.web.induction.models import Commitment, Reflection, Triad

DATE = forms.DateInput(attrs={"type": "date"})


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["category", "party", "what", "owner", "due", "recurrence"]
        widgets = {"due": DATE}


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["school_year", "category", "strongest", "weakest", "ideas", "with_whom"]
        widgets = {k: forms.Textarea(attrs={"rows": 2})
                   for k in ("strongest", "weakest", "ideas", "with_whom")}


class TriadForm(forms.ModelForm):
    class Meta:
        model = Triad
        fields = ["on", "agenda", "candidate_present", "coach_present", "supervisor_present",
                  "notes", "actions"]
        widgets = {"on": DATE, "agenda": forms.Textarea(attrs={"rows": 2}),
                   "notes": forms.Textarea(attrs={"rows": 3}),
                   "actions": forms.Textarea(attrs={"rows": 2})}
        labels = {"on": "Date"}
