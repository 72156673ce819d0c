"""Keeping a survey's instrument on the site (`access.SURVEYS` manage): its settings and
its items. Once anyone has answered, the items and the anonymity are fixed — a changed
question would mix two instruments in one result, and anonymity cannot be given or taken
back after the fact — so a new version is a new survey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aimline.web.surveys.models import Item, Survey


class SettingsForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(choices=Survey.AUDIENCES,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Survey
        fields = ["title", "intro", "audiences", "anonymous", "min_n", "opens", "closes"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 2}),
                   "opens": forms.DateInput(attrs={"type": "date"}),
                   "closes": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if d.get("opens") and d.get("closes") and d["closes"] < d["opens"]:
            raise ValidationError("the survey closes before it opens")
        if self.instance.responses.exists() and "anonymous" in self.changed_data:
            raise ValidationError("people have answered: whether it is anonymous is fixed")
        return d


class ItemForm(forms.ModelForm):
    choices = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="A custom scale's labels, lowest first, or a choice "
                                        "item's options: one per line")

    class Meta:
        model = Item
        fields = ["kind", "text", "choices", "agree_from"]

    def clean_choices(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["choices"].splitlines() if c.strip()]

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        kind, choices, agree = d.get("kind"), d.get("choices") or [], d.get("agree_from")
        if kind in (Item.SCALE_, Item.CHOICE) and len(choices) < 2:
            raise ValidationError("a custom scale or a choice needs at least two options")
        if kind in (Item.LIKERT, Item.TEXT) and (choices or agree):
            raise ValidationError("an agreement or open-text item has no options of its own")
        if agree is not None and (kind != Item.SCALE_ or not 1 <= agree <= len(choices)):
            raise ValidationError("'agree from' is a value of the custom scale "
                                  f"(1–{len(choices)})")
        return d


def _fixed(s: Survey) -> str:
    n = s.responses.count()
    return (f"{n} response{'s' if n != 1 else ''} already: the items are fixed; a new "
            "version is a new survey") if n else ""


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    from aimline.web.surveys.views import survey

    s = survey(request, pk, "manage")
    settings_form, item_form = SettingsForm(instance=s), ItemForm()
    status = 200
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            with transaction.atomic():
                if do == "settings":
                    settings_form = SettingsForm(request.POST, instance=s)
                    if not settings_form.is_valid():
                        raise ValidationError(settings_form.errors.as_text())
                    settings_form.save()
                    said = "Settings saved"
                elif _fixed(s):
                    raise ValidationError(_fixed(s))
                elif do == "item":
                    item_form = ItemForm(request.POST)
                    if not item_form.is_valid():
                        raise ValidationError(item_form.errors.as_text())
                    item = item_form.save(commit=False)
                    item.survey = s
                    item.order = (s.items.aggregate(m=Max("order"))["m"] or 0) + 1
                    item.save()
                    said = "Item added"
                elif do == "remove":
                    s.items.filter(pk=int(request.POST.get("item", 0))).delete()
                    said = "Item removed"
                else:
                    raise ValidationError("nothing to do")
            messages.success(request, said)
            return redirect("survey_edit", s.pk)
        except (ValidationError, ValueError) as e:
            messages.error(request, "; ".join(getattr(e, "messages", [str(e)])))
            status = 400
            s.refresh_from_db()
    return render(request, "surveys/edit.html", {
        "survey": s, "settings_form": settings_form, "item_form": item_form,
        "items": s.items.all(), "fixed": _fixed(s)}, status=status)

