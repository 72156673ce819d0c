"""The target proposal form: a catalog metric, the candidate's schools, a student group,
the baseline school year, the target value and date, the rationale."""

from __future__ import annotations

from typing import Any

from django import forms

from aimline.metrics import catalog, groups


class GoalForm(forms.Form):
    metric = forms.ChoiceField()
    schools = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                        help_text="For a supervisor: the schools whose "
                                                  "students the target is for (summed)")
    group = forms.ChoiceField(label="Student group")
    baseline_year = forms.TypedChoiceField(coerce=int, label="Baseline school year")
    period = forms.ChoiceField(choices=[("year", "The school year's value"),
                                        ("to_date", "Cumulative to the target date")],
                               initial="year", label="Measured over",
                               help_text="Cumulative: the year to date through the target "
                                         "date's month, against the same months of the "
                                         "baseline year")
    target_value = forms.FloatField(label="Target value")
    due = forms.DateField(label="Target date", widget=forms.DateInput(attrs={"type": "date"}))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                help_text="Which gap it closes, and why this target")

    def __init__(self, *args: Any, schools: list[tuple[str, str]], years: list[int],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m.id, m.title) for m in catalog.all_metrics()]
        self.fields["schools"].choices = schools
        self.fields["group"].choices = [(f"{t}:{v}", groups.title(t, v))
                                        for t, v in groups.catalog()]
        self.fields["baseline_year"].choices = [(y, f"{y - 1}–{y}") for y in years]

    def proposal(self) -> dict[str, Any]:
        d = self.cleaned_data
        group_type, group_value = d["group"].split(":", 1)
        return {"metric": d["metric"], "schools": sorted(d["schools"]),
                "group_type": group_type, "group_value": group_value,
                "baseline_year": d["baseline_year"], "period": d["period"],
                "target_value": d["target_value"],
                "due": d["due"], "rationale": d["rationale"]}

    @staticmethod
    def initial_of(g: Any) -> dict[str, Any]:
        return {"metric": g.metric, "schools": g.schools,
                "group": f"{g.group_type}:{g.group_value}", "baseline_year": g.baseline_year,
                "period": g.period,
                "target_value": g.target_value, "due": g.due, "rationale": g.rationale}
