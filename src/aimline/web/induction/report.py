"""The programme evaluation report for the state's accreditation cycle (PDF and XLSX):
candidates per cohort with their demographics (head counts under the site's suppression
policy), time to coach assignment, IIP, coaching and professional-learning hours against
the standards, the CPSEL coverage matrix, survey results, completion and
retention, and a table of what Aimline holds for each programme standard (1–5, 4A–4D).
Each person sees the candidates they may see (`views.visible_candidates`)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Q

from aimline.metrics.policy import Policy
from aimline.metrics.suppression import counts
from aimline.web.induction import deadlines, outcomes, plans
from aimline.web.induction.models import GENDERS, RACES, Candidate, Grant, Partnership
from aimline.web.surveys import service as surveys

# CTC CASC programme standard -> what Aimline holds for it
STANDARDS = [
    ("1", "Program Design and Rationale", "The MOU in versions (four categories of "
     "commitments, signatures), the partnership's settings, the yearly reflections"),
    ("2", "Communication, Collaboration and Coordination", "MOU commitments coming due "
     "and done; triad meetings with attendance, notes, actions and the supervisor's input"),
    ("3", "Selection and Training of Coaches", "The coach pool (experience, levels, "
     "languages, training completed, district PD), district hiring decisions, matching "
     "by stated criteria, days from admission to a confirmed coach, reassignments with "
     "reasons"),
    ("4A", "Individual Induction Plan", "IIPs per year: goals on CPSEL elements, employer "
     "input, outcomes and the data to collect, planned hours against 60–90, revisions"),
    ("4B", "Coaching", "Confirmed coach per candidate; the coaching log (sessions, "
     "minutes, CPSEL elements worked on) and its hours per school year against the "
     "programme's setting"),
    ("4C", "Professional Development", "Professional learning per school year against "
     "20–30 hours: district sessions, workshops, monthly meetings, host-school visits"),
    ("4D", "Assessment", "Evidence on the programme's rubric per CPSEL element, portfolio "
     "scores by coach, coordinator and district designee, completion with the district's "
     "input, the credential recommendation"),
    ("5", "The CPSEL", "The CPSEL coverage matrix: elements x candidates' goals and "
     "evidence"),
]


def data(p: Partnership, candidates: list[Candidate], user: Any) -> dict[str, Any]:
    through = outcomes.school_year(dt.date.today())
    rows = []
    for c in candidates:
        iip = {pl.year: pl.hours() for pl in c.plans.all()}
        rows.append({
            "c": c, "days_to_coach": deadlines.days_to_coach(c),
            "late": [k.rule for k in deadlines.clocks(c, dt.date.today()) if k.trouble],
            "iip": [iip.get(1), iip.get(2)], "pd": outcomes.pd_hours(c),
            "coaching": outcomes.coaching_hours(c),
            "completed": getattr(c, "completion", None)})
    elements, coverage = plans.coverage(candidates)
    cohorts = {c.cohort for c in candidates}
    return {
        **_shared(p, candidates), "rows": rows, "elements": elements, "coverage": coverage,
        # only the surveys whose results this person may read
        "surveys": [(s, surveys.results(s)) for s in p.surveys.filter(
            Q(staff=user) | Q(readers=user)).distinct()],
        "retention": [r for r in outcomes.by_cohort(p, through) if r.cohort in cohorts]}


def _shared(p: Partnership, candidates: list[Candidate]) -> dict[str, Any]:
    """What every reader's report holds: the candidates' suppressed demographics, the
    standards table, the date."""
    demo = demographics(candidates, Policy.from_env().min_n)
    return {"p": p, "demographics": demo,
            "demo_tables": [(demo["gender"], "Gender"),
                            (demo["race_ethnicity"], "Race/ethnicity")],
            "standards": STANDARDS, "made": dt.date.today()}


@dataclass(frozen=True)
class Hidden:
    """A cohort's retention row with its counts suppressed (fewer known than the minimum)."""

    cohort: str
    completed: str = "suppressed"
    known: str = "suppressed"
    stayed: str = "suppressed"
    share: None = None


def aggregates(p: Partnership, granted: set[str]) -> dict[str, Any]:
    """A partner's report, as the MOU grants it: no row about any one candidate; the
    demographics and retention per cohort under the site's suppression policy; the survey
    results (suppressed at each survey's minimum) only where the MOU grants them too."""
    d = _shared(p, list(p.candidates.select_related("user")))
    min_n = d["demographics"]["min_n"]
    through = outcomes.school_year(dt.date.today())
    return {
        **d, "aggregate": True, "rows": [], "elements": [], "coverage": [],
        "surveys": [(s, surveys.results(s)) for s in p.surveys.all()]
        if Grant.SURVEYS in granted else [],
        "retention": [r if r.known >= min_n else Hidden(r.cohort)
                      for r in outcomes.by_cohort(p, through)]}


def demographics(candidates: list[Candidate], min_n: int) -> dict[str, Any]:
    """Candidates per cohort by gender and by race/ethnicity (self-reported; not stated:
    "Not reported"), each table suppressed as it leaves (`suppression.counts`)."""
    tables = {}
    for field, choices in (("gender", GENDERS), ("race_ethnicity", RACES)):
        labels = [*(label for _, label in choices), "Not reported"]
        names = dict(choices)
        frame = pd.DataFrame([(c.cohort, names.get(getattr(c, field), "Not reported"))
                              for c in candidates], columns=["cohort", "value"])
        table = pd.crosstab(frame.cohort, frame.value).reindex(columns=labels, fill_value=0)
        table = table.loc[:, table.sum() > 0]
        shown = counts(table, min_n)
        tables[field] = {"columns": list(shown.columns), "rows": [
            (cohort, int(table.loc[cohort].sum()),
             [None if pd.isna(v) else int(v) for v in shown.loc[cohort]])
            for cohort in shown.index]}
    return {"min_n": min_n, **tables}


def xlsx(d: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Candidates"
    ws.append(["Candidate", "Cohort", "District", "Position", "School", "Hired", "Admitted",
               "Days to a coach", "IIP hours year 1", "IIP hours year 2",
               "Coaching hours by school year", "PD hours by school year", "Completed",
               "Clocks missed or at risk"])
    for r in d["rows"]:
        c = r["c"]
        ws.append([c.name, c.cohort, c.district.name, c.position,
                   c.school.name if c.school else "", c.hired_on, c.admitted_on,
                   r["days_to_coach"], *r["iip"],
                   *("; ".join(f"{y - 1}–{y}: {h:g}" for y, h in r[k].items())
                     for k in ("coaching", "pd")),
                   r["completed"].recommended_on if r["completed"] else "",
                   "; ".join(r["late"])])
    dem = wb.create_sheet("Demographics")
    for field, title in (("gender", "Gender"), ("race_ethnicity", "Race/ethnicity")):
        t = d["demographics"][field]
        dem.append([title, "Candidates", *t["columns"]])
        for cohort, total, cells in t["rows"]:
            dem.append([cohort, total, *("suppressed" if v is None else v for v in cells)])
        dem.append([])
    dem.append([f"Counts of fewer than {d['demographics']['min_n']} candidates are "
                "suppressed, with any count that would give one back."])
    cov = wb.create_sheet("CPSEL coverage")
    cov.append(["Candidate", *[e.code for e in d["elements"]]])
    for row in d["coverage"]:
        cov.append([row["c"].name, *[f"{g} goal(s)" + (f", level {lv}" if lv else "")
                                     if g or lv else "" for g, lv in row["cells"]]])
    sv = wb.create_sheet("Surveys")
    sv.append(["Survey", "Item", "Group", "n", "Agree or strongly agree (%)"])
    for s, items in d["surveys"]:
        for it in items:
            for r in it["rows"]:
                sv.append([s.title, it["item"].text, r["group"],
                           *(("suppressed", "suppressed") if r["suppressed"] else
                             (r["n"], round(100 * r["share"], 1) if it.get("agrees")
                              else ""))])
    rt = wb.create_sheet("Retention")
    rt.append(["Cohort", "Completed", "Status known", "Still in the district", "Share (%)"])
    for r in d["retention"]:
        rt.append([r.cohort, r.completed, r.known, r.stayed,
                   round(100 * r.share, 1) if r.share is not None else ""])
    st = wb.create_sheet("Programme standards")
    st.append(["Standard", "Title", "What Aimline holds"])
    for row in d["standards"]:
        st.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
