"""The coaching log's pages: a new entry, an entry read and edited by its author (a draft
saves itself as it is typed; a submitted one is corrected, each change kept), and the
candidate's choice to share an entry with their supervisor."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.coaching.models import Entry
from aimline.web.coaching.subjects import Subject, seated, subject, subject_of


class EntryForm(forms.ModelForm):
    focus = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Entry
        fields = ["date", "minutes", "mode", "focus", "notes", "next_steps", "evidence"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "notes": forms.Textarea(attrs={"rows": 5}),
                   "next_steps": forms.Textarea(attrs={"rows": 3}),
                   "evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, s: Subject, record: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["focus"].choices = s.focus(record)
        self.fields["focus"].label = s.focus_label


@login_required
@require_POST
def new(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    s = subject(key)
    record, _ = seated(request, s, pk, "write_log")
    e = Entry(subject=record, author=request.user, date=dt.date.today())
    e.save()
    return redirect("coaching_entry", pk=e.pk)


def _entry(request: HttpRequest, pk: int) -> tuple[Entry, Subject, object, bool]:
    """The entry, its subject, the record, and whether this person may share it; 404 where
    the person may not read it (another's draft is not there yet)."""
    e = get_object_or_404(Entry.objects.select_related("subject_type", "author"), pk=pk)
    s = subject_of(e)
    record, seat = seated(request, s, e.subject_id, "read")
    if s.may("read_log", request.scope, seat):
        visible = e.status == Entry.SUBMITTED or e.author_id == request.user.pk
    elif s.may("read_shared_log", request.scope, seat):
        visible = e.status == Entry.SUBMITTED and e.shared
    else:
        s.rules.require(request.scope, "read_log", seat)  # a seat, but not at the notes: 403
    if not visible:
        raise Http404("no such entry")
    return e, s, record, s.may("share_log", request.scope, seat)


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Read an entry; its author edits it (a draft: save or submit; submitted: correct)."""
    e, s, record, may_share = _entry(request, pk)
    mine = e.author_id == request.user.pk
    form = EntryForm(request.POST or None, instance=e, s=s, record=record)
    status, error = 200, ""
    if request.method == "POST":
        if not mine:
            return HttpResponse("an entry is written and corrected by its author only",
                                status=403)
        if form.is_valid():
            try:
                with transaction.atomic():
                    e = form.save(commit=False)
                    e._corrected_by = request.user
                    if request.POST.get("do") == "submit":
                        e.status = Entry.SUBMITTED
                    e.save()
                if request.headers.get("HX-Request"):  # the draft saving itself
                    return HttpResponse(f"Draft saved {dt.datetime.now():%H:%M:%S}")
                return redirect(s.page(record))
            except ValidationError as err:
                error, status = " ".join(err.messages), 400
                e = Entry.objects.get(pk=pk)
        else:
            status = 400
    return render(request, "coaching/entry.html",
                  {"e": e, "form": form, "mine": mine, "error": error, "may_share": may_share,
                   "back": s.page(record), "name": s.name(record), "focus_label": s.focus_label,
                   "corrections": e.corrections.select_related("by")}, status=status)


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate shares a submitted entry with their supervisor, or stops sharing."""
    e, _, _, may_share = _entry(request, pk)
    if not may_share:
        return HttpResponse("only the candidate shares their coaching log", status=403)
    if e.status != Entry.SUBMITTED:
        return HttpResponse("a draft is not shared", status=400)
    e.shared = request.POST.get("shared") == "1"
    e.save(update_fields=["shared"])
    return redirect("coaching_entry", pk=e.pk)
