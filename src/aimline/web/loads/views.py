"""Data loads: district analysts upload a zipped extract (or name a folder on the server);
the load runs as a job with a status page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aimline.web.loads.access import LOADS
from aimline.web.loads.jobs import UploadError, unpack
from aimline.web.loads.models import LoadJob
from aimline.web.orgs.models import Organisation


class LoadForm(forms.Form):
    district = forms.ModelChoiceField(queryset=Organisation.objects.none())
    source_format = forms.ChoiceField(label="What it is", choices=LoadJob.FORMATS,
                                      initial=LoadJob.CANONICAL, required=False)
    upload = forms.FileField(required=False, help_text="The folder, zipped")
    path = forms.CharField(required=False, max_length=500,
                           help_text="…or a folder on the server")
    window_from = forms.DateField(
        required=False, label="Only the days from", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A window load (\u201cthis week's data\u201d): the absences and discipline of "
                  "these days are replaced, everything else is updated by key")
    window_to = forms.DateField(required=False, label="to",
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, districts: frozenset[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organisation.objects.filter(
            kind=Organisation.DISTRICT, code__in=districts)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("upload")) == bool(data.get("path")):
            raise forms.ValidationError("Upload a zipped extract or give a folder, not both.")
        if data.get("path") and not Path(data["path"]).is_dir():
            raise forms.ValidationError(f"{data['path']} is not a folder on the server.")
        start, end = data.get("window_from"), data.get("window_to")
        if (start is None) != (end is None):
            raise forms.ValidationError("A window needs its first and its last day.")
        if start and end and end < start:
            raise forms.ValidationError("The window ends before it starts.")
        return data


def _loader(request: HttpRequest) -> frozenset[str]:
    LOADS.require(request.scope, "load")
    return request.scope.load_districts


def _jobs(request: HttpRequest):
    return LoadJob.objects.filter(district__code__in=_loader(request)).select_related(
        "district", "created_by")


@login_required
def data_page(request: HttpRequest) -> HttpResponse:
    districts = _loader(request)
    form = LoadForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["path"]
        if form.cleaned_data["upload"]:
            settings.UPLOADS.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix="extract-", dir=settings.UPLOADS))
            zipped = folder / "upload.zip"
            with zipped.open("wb") as f:
                for chunk in form.cleaned_data["upload"].chunks():
                    f.write(chunk)
            try:
                source = str(unpack(zipped, folder / "extract",
                                    name=form.cleaned_data["upload"].name))
            except UploadError as e:
                form.add_error("upload", str(e))
        if not form.errors:
            job = LoadJob.objects.create(created_by=request.user, source=source,
                                         district=form.cleaned_data["district"],
                                         source_format=form.cleaned_data["source_format"]
                                         or LoadJob.CANONICAL,
                                         window_from=form.cleaned_data["window_from"],
                                         window_to=form.cleaned_data["window_to"])
            return redirect("job", pk=job.pk)
    return render(request, "loads/data.html", {"form": form, "jobs": _jobs(request)[:20]},
                  status=400 if request.method == "POST" else 200)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        j = _jobs(request).get(pk=pk)
    except LoadJob.DoesNotExist:
        raise Http404("no such job") from None
    template = "loads/job_status.html" if request.htmx else "loads/job.html"
    return render(request, template, {"job": j})
