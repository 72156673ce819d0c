"""The cohort dashboard and what leaves as files: the certificate (PDF with its
verification code and QR code), the cohort as XLSX, the programme report (PDF)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from aimline.metrics import catalog, groups
from aimline.web.coaching.subjects import summary
from aimline.web.credentials import issuing
from aimline.web.leaders import goals, seats, setup
from aimline.web.leaders.models import Certificate, Goal, Programme
from aimline.web.leaders.views import courses
from aimline.web.pdf import pdf
from aimline.web.targets import service
from aimline.web.targets.evaluation import STATES


def qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return img.to_string(encoding="unicode")


def trajectory(g: Goal) -> list[tuple[int, float | None]]:
    """The target population's published value each school year from the baseline on."""
    reader = service.target_reader(g.schools)
    return [(y, service.population(reader, metric=g.metric, schools=g.schools, year=y,
                                   group_type=g.group_type, group_value=g.group_value).value)
            for y in sorted(reader.years()) if y >= g.baseline_year]


def cohort_rows(p: Programme) -> list[dict[str, Any]]:
    """Each candidate: target, baseline, latest value, state, coaching hours, courses."""
    rows = []
    for cohort in p.cohorts.all():
        for c in cohort.candidates.select_related("user").order_by("user__last_name"):
            g = goals.approved(c)
            cur = goals.current(c)
            e = goals.latest(g)
            cs = courses(c)
            rows.append({
                "c": c, "cohort": cohort, "goal": g, "status": cur.get_status_display()
                if cur else "No target yet",
                "metric": catalog.get(g.metric).short_title if g else "",
                "group": groups.title(g.group_type, g.group_value) if g else "",
                "baseline": g.target.baseline if g and g.target else None,
                "target": g.target_value if g else None,
                "trajectory": (trail := trajectory(g) if g else []),
                "latest": next((v for _, v in reversed(trail) if v is not None), None),
                "state": STATES[e.state] if e else ("Not evaluated" if g else ""),
                "certified": hasattr(g, "certificate") if g else False,
                **{k: v for k, v in summary(c.coaching.all()).items() if k != "tags"},
                "courses_done": sum(1 for x in cs if x["completed"]),
                "courses": len(cs),
                "present": sum(x["present"] for x in cs),
                "course_sessions": sum(x["sessions"] for x in cs)})
    return rows


@login_required
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    p = seats.programme(request, pk)
    return render(request, "leaders/programme.html",
                  {"p": p, "rows": cohort_rows(p), "courses": p.courses.all(),
                   **setup.forms_for(p)})


COLUMNS = [("Candidate", lambda r: r["c"].name), ("Cohort", lambda r: r["cohort"].name),
           ("Role", lambda r: r["c"].get_kind_display()), ("Status", lambda r: r["status"]),
           ("Metric", lambda r: r["metric"]), ("Group", lambda r: r["group"]),
           ("Baseline", lambda r: r["baseline"]), ("Target", lambda r: r["target"]),
           ("Latest", lambda r: r["latest"]), ("State", lambda r: r["state"]),
           ("Certificate", lambda r: "issued" if r["certified"] else ""),
           ("Coaching sessions", lambda r: r["sessions"]),
           ("Coaching hours", lambda r: r["hours"]),
           ("Courses completed", lambda r: r["courses_done"]),
           ("Sessions attended", lambda r: r["present"])]


@login_required
def cohort_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    from openpyxl import Workbook

    p = seats.programme(request, pk)
    wb = Workbook()
    ws = wb.active
    ws.title = "Cohort"
    ws.append([name for name, _ in COLUMNS])
    for r in cohort_rows(p):
        ws.append([get(r) for _, get in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-"
                                                    "officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="cohort-{p.pk}.xlsx"'
    return resp


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Targets attained by metric and group, coaching hours, attendance."""
    p = seats.programme(request, pk)
    rows = cohort_rows(p)
    by: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        if r["goal"]:
            cell = by.setdefault((r["metric"], r["group"]), {"targets": 0, "attained": 0})
            cell["targets"] += 1
            cell["attained"] += r["state"] == STATES["attained"]
    html = render_to_string("leaders/report_pdf.html", {
        "p": p, "rows": rows, "by": sorted(by.items()),
        "hours": round(sum(r["hours"] for r in rows), 1),
        "present": sum(r["present"] for r in rows),
        "sessions": sum(r["course_sessions"] for r in rows)})
    resp = HttpResponse(pdf(html, request), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="programme-{p.pk}.pdf"'
    return resp


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(Certificate.objects.select_related("credential", "goal"), pk=pk)
    seats.candidate(request, cert.candidate_id)
    cred = cert.credential
    link = issuing.url("verify", cred.code)
    html = render_to_string("leaders/certificate_pdf.html", {
        "cert": cert, "cred": cred, "link": link, "qr": qr_svg(link),
        "programme": cert.candidate.cohort.programme})
    resp = HttpResponse(pdf(html, request), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="certificate-{cred.code}.pdf"'
    return resp

