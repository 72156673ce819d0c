"""The Equity & Excellence Audit: one context builder; HTML, PDF and XLSX from it.

    ctx = build(Path("aimline.duckdb"), 2026, state=None)
    write(ctx, Path("audit.pdf"))      # .html, .pdf (WeasyPrint) or .xlsx

Every number comes from the metric catalog. The analytics (each school's profile, its
similar schools, beating the odds, the award screen's profile) run on true counts; what the
report shows is suppressed under the policy before it gets to a template or a sheet: the
indicators (`suppression.suppress`) and the profile shares (`published_profile`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from aimline.equity import criteria as criteria_sets
from aimline.equity import odds, peers
from aimline.equity.gaps import gaps, sentence
from aimline.files import written_atomically
from aimline.metrics import catalog, engine
from aimline.metrics.groups import label
from aimline.metrics.policy import Policy
from aimline.metrics.suppression import suppress, too_small
from aimline.reports import charts

METRICS = ("chronic_absence", "attendance_rate", "suspension", "course_failure",
           "proficiency_ela", "proficiency_math", "ninth_grade_on_track", "graduation_4yr")
FINDING_POINTS = 5  # a gap worth a sentence, in percentage points
MAX_FINDINGS = 6  # sentences written out per school (the count says how many there are)
ODDS_WORDS = {"beating": "beating the odds", "falling_short": "below its prediction",
              "expected": "as predicted", "excluded": "too few tested"}


def finding(r: Any) -> str:
    """The plain sentence for one gap row."""
    return sentence(r, catalog.get(r.metric).title, label(r.group_type, r.group_value))


@dataclass
class SchoolSection:
    school_id: str
    name: str
    level: str
    profile: dict[str, float | None]  # published shares; None where hidden
    headline: pd.DataFrame  # metric x group with display values
    peers: pd.DataFrame
    gaps_svg: str
    findings: list[str]  # the widest gaps, at most MAX_FINDINGS sentences
    strengths: list[str]
    odds_label: str | None
    gap_count: int = 0  # every gap worth a sentence, however many are written out


@dataclass
class Audit:
    district: str
    year: int
    years: list[int]
    generated: str
    indicators: pd.DataFrame
    gaps: pd.DataFrame
    profile: pd.DataFrame
    odds: pd.DataFrame | None
    odds_model: dict[str, Any] | None
    odds_svg: str
    overview: pd.DataFrame
    schools: list[SchoolSection]
    summary: list[str]
    notes: list[str] = field(default_factory=list)
    metrics: list[catalog.Metric] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    # the auditor's recommendations, by school id ("" for the district), written on the site
    recommendations: dict[str, list[str]] = field(default_factory=dict)
    status: str = "Draft: not yet reviewed or published"  # on the cover
    screen: pd.DataFrame | None = None  # criteria.apply: school x criterion
    criteria: criteria_sets.CriteriaSet | None = None
    # staffing for equity (`reports.staffing.as_text`), by poverty and minority quartile;
    # None where the district loads no staff assignments
    staffing: dict[str, Any] | None = None


class AuditError(engine.MetricsError):
    """An audit that cannot be built as asked (which district, which schools)."""


def district(warehouse: Path, lea: str | None) -> tuple[str, str, pd.DataFrame]:
    """The audited district (lea_id, name, its schools): the one named, or the only one.
    A warehouse of several districts needs a name, so no audit mixes two districts'
    schools."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        leas = dict(con.execute("SELECT lea_id, name FROM leas ORDER BY lea_id").fetchall())
        if lea is None and len(leas) != 1:
            raise AuditError(f"the warehouse holds {len(leas)} districts; name one "
                             f"(--district): {', '.join(f'{i} ({n})' for i, n in leas.items())}")
        lea = next(iter(leas)) if lea is None else lea
        if lea not in leas:
            raise AuditError(f"no district {lea} in the warehouse; districts are: "
                             f"{', '.join(leas)}")
        schools = con.execute("SELECT school_id, lea_id, name, level, title_i FROM schools "
                              "WHERE lea_id = ?", [lea]).df()
    return lea, leas[lea], schools


PROFILE = (("pct_ed", "economically_disadvantaged"), ("pct_el", "english_learner"),
           ("pct_swd", "disability"))


def student_profile(raw: pd.DataFrame, year: int) -> pd.DataFrame:
    """Enrolment and group shares per school from chronic_absence's true (unsuppressed)
    student counts (students with >= 10 days): for the analytics only. A group with no
    student is 0%; nothing is read from a suppressed cell."""
    d = raw[(raw.metric == "chronic_absence") & (raw.school_year == year) &
            (raw.scope == "school")]
    alls = d[d.group_type == "all"].set_index("school_id").students
    out = pd.DataFrame({"enrolled": alls})
    for col, gt in PROFILE:
        part = d[(d.group_type == gt) & (d.group_value == "true")].set_index(
            "school_id").students
        out[f"n_{col}"] = part.reindex(out.index).fillna(0)
        out[col] = 100 * out[f"n_{col}"] / alls
    return out


def published_profile(profile: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The profile as it may leave: whole-percent shares, none where the group or the rest
    of the school is smaller than the policy's minimum (either would name its students);
    enrolment below the minimum is hidden too. The counts behind it stay behind."""
    out = profile.drop(columns=[f"n_{c}" for c, _ in PROFILE]).copy()
    for col, _ in PROFILE:
        n = profile[f"n_{col}"]
        hide = (too_small(n, policy.min_n) & (n > 0)) | (
            too_small(profile.enrolled - n, policy.min_n) & (profile.enrolled > n))
        out[col] = profile[col].round().where(~hide)
    out["enrolled"] = profile.enrolled.where(~too_small(profile.enrolled, policy.min_n))
    return out


def build(warehouse: Path, year: int, *, lea: str | None = None,
          schools: Sequence[str] | None = None, state: pd.DataFrame | None = None,
          policy: Policy | None = None, years: int = 3,
          criteria: criteria_sets.CriteriaSet | None = criteria_sets.NCUST,
          progress: Callable[[str], None] | None = None) -> Audit:
    """The audit of one district (`lea`; may be left out when the warehouse holds one):
    its schools only, beside its own district rows, suppressed under `policy` (default:
    the configured one)."""
    policy = policy or Policy.from_env()
    lea, district_name, info = district(warehouse, lea)
    info = info.set_index("school_id")
    available = engine.held(warehouse, year)
    span = [y for y in available if year - years < y <= year]
    wanted = list(METRICS) + [m for m in (criteria.check().metrics if criteria else [])
                              if m not in METRICS]
    frames = []
    for y in span:
        if progress:
            progress(f"indicators {y}")
        frames.append(engine.compute(warehouse, y, metrics=wanted, suppress=False))
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw.lea_id == lea].reset_index(drop=True)
    every = suppress(raw, policy)  # what leaves; `raw` stays inside the analytics
    ind = every[every.metric.isin(METRICS)]
    better = {m: catalog.get(m).higher_is_better for m in METRICS}
    notes = [] if state is not None else [
        "No state reference was given (--state-reference): comparisons with state averages "
        "are omitted."]
    if progress:
        progress("gaps and peers")
    g = gaps(ind, better, state=state)
    profile = student_profile(raw, year).join(info[["name", "level"]])
    shown = published_profile(profile, policy)
    chosen = list(schools) if schools else list(profile.index)
    unknown = [s for s in chosen if s not in profile.index]
    if unknown:
        raise AuditError(f"school {unknown[0]} of district {lea} has no indicators in "
                         f"{year}; schools are: {', '.join(profile.index[:20])}")
    odds_table, model, odds_svg = _odds(raw, ind, profile, shown, year, notes)
    sections = []
    for sid in chosen:
        if progress:
            progress(f"school {sid}")
        sections.append(_section(sid, ind, g, profile, shown, odds_table, year))
    overview = _overview(ind, year, info)
    screened = None
    if criteria is not None:
        if progress:
            progress("award screen")
        screened = criteria_sets.apply(every, profile.loc[chosen].reset_index(
            names="school_id"), criteria, year, state=state)
        if state is None and any(c.threshold == "state" for c in criteria.criteria):
            notes.append(f"Criteria that compare with the state average ({criteria.name}) "
                         "cannot be decided without a state reference.")
    return Audit(
        staffing=_staffing(warehouse, year, lea, notes),
        district=district_name, year=year, years=span,
        generated=dt.date.today().isoformat(), indicators=ind, gaps=g,
        profile=shown.reset_index(names="school_id"), odds=odds_table, odds_model=model,
        odds_svg=odds_svg, overview=overview, schools=sections,
        summary=_summary(ind, g, odds_table, year, profile), notes=notes,
        metrics=[catalog.get(m) for m in METRICS], policy=policy, screen=screened,
        criteria=criteria)


def _staffing(warehouse: Path, year: int, lea: str, notes: list[str]
              ) -> dict[str, Any] | None:
    # imported here: reports.staffing reads the audited district through this module
    from aimline.reports.staffing import DIMENSIONS, as_text, staffing

    try:
        d = staffing(warehouse, year, lea=lea)
    except ValueError as e:
        notes.append(f"Staffing for equity is omitted: {e}")
        return None
    return {dim: as_text(d[dim]) for dim in DIMENSIONS}


def _odds(raw: pd.DataFrame, ind: pd.DataFrame, profile: pd.DataFrame, shown: pd.DataFrame,
          year: int, notes: list[str]
          ) -> tuple[pd.DataFrame | None, dict[str, Any] | None, str]:
    """Fitted on true counts (every school's share disadvantaged and proficient); shown
    only for schools whose proficiency is published, with the published shares."""
    def ela_of(rows: pd.DataFrame) -> pd.DataFrame:
        return rows[(rows.metric == "proficiency_ela") & (rows.school_year == year) &
                    (rows.scope == "school") & (rows.group_type == "all")
                    ].set_index("school_id")

    ela = ela_of(raw)
    table = profile[["name", "level", "enrolled", "pct_ed"]].join(
        ela[["value", "denominator"]]).rename(
        columns={"value": "pct_proficient_ela", "denominator": "tested"}).dropna(
        subset=["pct_proficient_ela"])
    try:
        fit = odds.beating_the_odds(table.reset_index(names="school_id"), x="pct_ed",
                                    y="pct_proficient_ela", n="tested")
    except ValueError as e:
        notes.append(f"Beating the odds is omitted: {e}.")
        return None, None, ""
    model = fit.attrs["model"]
    fitted = fit[fit.label != "excluded"]
    if len(fitted) and not (fitted.residual.abs() >= model["band"]).any():
        notes.append(
            f"Beating the odds: no school's ELA proficiency is {model['band']:.0f} or more "
            "points from what its share of economically disadvantaged students predicts "
            f"(the residuals' SD is {model['residual_sd']:.1f} points), so the model "
            "separates no school: every one reads 'as predicted'.")
    public = ela_of(ind)
    fit = fit[fit.school_id.map(public.suppressed) == False].reset_index(drop=True)  # noqa: E712
    fit["pct_ed"] = fit.school_id.map(shown.pct_ed)
    fit["enrolled"] = fit.school_id.map(shown.enrolled)
    return fit, fit.attrs["model"], charts.odds_scatter(fit.dropna(subset=["pct_ed"]))


def _section(sid: str, ind: pd.DataFrame, g: pd.DataFrame, profile: pd.DataFrame,
             shown: pd.DataFrame, odds_table: pd.DataFrame | None, year: int
             ) -> SchoolSection:
    mine = ind[(ind.school_id == sid) & (ind.school_year == year)]
    headline = mine.pivot_table(index=["group_type", "group_value"], columns="metric",
                                values="display", aggfunc="first")
    headline = headline.reindex(columns=[m for m in METRICS if m in headline.columns])
    gs = g[(g.school_id == sid) & (g.school_year == year)]
    worse = gs[(gs.direction == "worse") & (gs.gap_to_school.abs() >= FINDING_POINTS)]
    worse = worse.reindex(worse.gap_to_school.abs().sort_values(ascending=False).index)
    findings = [finding(r) for r in worse.head(MAX_FINDINGS).itertuples()]
    better_than_district = gs[(gs.gap_to_district_group.abs() >= FINDING_POINTS)]
    strengths = []
    for r in better_than_district.itertuples():
        m = catalog.get(r.metric)
        good = (r.gap_to_district_group > 0) == m.higher_is_better
        if good and len(strengths) < 4:
            who = label(r.group_type, r.group_value)
            strengths.append(f"{m.short_title} for {who}"
                             f" is {r.value:.0f}%, {abs(r.gap_to_district_group):.0f} points "
                             f"{'above' if r.gap_to_district_group > 0 else 'below'} the "
                             "district's rate for the same group.")
    me = shown.loc[sid]
    everyone = profile.reset_index(names="school_id")
    # the target carries its id, so `nearest` leaves the school out of its own peers
    try:
        near = peers.nearest(everyone.set_index("school_id", drop=False).loc[sid], everyone,
                             features=["pct_ed", "pct_el", "pct_swd", "enrolled"], k=5,
                             standardise=True)
        # found on true counts, shown with the published shares
        feats = ["pct_ed", "pct_el", "pct_swd", "enrolled"]
        near = near.drop(columns=[c for c in near.columns if c.startswith("n_")])
        near[feats] = shown.loc[near.school_id, feats].to_numpy()
    except ValueError:  # the only school of its level: no peers in this district
        near = pd.DataFrame()
    label_ = None
    if odds_table is not None and sid in set(odds_table.school_id):
        label_ = ODDS_WORDS[str(odds_table.set_index("school_id").loc[sid, "label"])]
    return SchoolSection(sid, str(me["name"]), str(me["level"]),
                         {k: None if pd.isna(me[k]) else float(me[k])  # None: hidden
                          for k in ("enrolled", "pct_ed", "pct_el", "pct_swd")},
                         headline, near, charts.gap_dots(mine, sid), findings, strengths,
                         label_, gap_count=len(worse))


def _overview(ind: pd.DataFrame, year: int, info: pd.DataFrame) -> pd.DataFrame:
    d = ind[(ind.school_year == year) & (ind.group_type == "all")]
    d = d.assign(school=np.where(d.scope == "district", "District",
                                 d.school_id.map(info.name).fillna(d.school_id)))
    table = d.pivot_table(index="school", columns="metric", values="display",
                          aggfunc="first").reindex(columns=list(METRICS)).fillna("")
    # the district's row first, then its schools by name
    return table.loc[sorted(table.index, key=lambda name: (name != "District", name))]


def _summary(ind: pd.DataFrame, g: pd.DataFrame, odds_table: pd.DataFrame | None, year: int,
             profile: pd.DataFrame) -> list[str]:
    out = []
    d = ind[(ind.scope == "district") & (ind.group_type == "all")]
    for m in ("chronic_absence", "proficiency_ela", "graduation_4yr"):
        rows = d[d.metric == m].sort_values("school_year")
        if rows.empty or rows.value.isna().all():
            continue
        now = rows.iloc[-1]
        text = f"District — {catalog.get(m).short_title}: {now.value:.1f}%"
        if len(rows) > 1 and pd.notna(rows.value.iloc[0]):
            text += f" ({rows.value.iloc[0]:.1f}% in {int(rows.school_year.iloc[0])})"
        out.append(text + ".")
    latest = g[(g.school_year == year) & (g.direction == "worse")]
    if not latest.empty:
        widest = latest.reindex(latest.gap_to_school.abs().sort_values(ascending=False).index)
        r = widest.iloc[0]
        out.append(f"The widest gap: {finding(r)[:-1]} at "
                   f"{profile.name.get(r.school_id, r.school_id)}.")
    if odds_table is not None:
        beating = odds_table[odds_table.label == "beating"]
        if len(beating):
            names = ", ".join(profile.name.get(s, s) for s in beating.school_id)
            out.append(f"Beating the odds in ELA ({len(beating)}): {names}.")
    return out


def render_html(audit: Audit) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("aimline.reports", "templates"),
                      autoescape=select_autoescape(["html"]))
    def missing(v: Any) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    env.filters["pct"] = lambda v: "" if missing(v) else f"{v:.1f}"
    env.filters["share"] = lambda v: "*" if missing(v) else f"{v:.0f}"  # a published profile
    return env.get_template("audit.html").render(a=audit, label=label,
                                                 titles={m.id: m.title for m in audit.metrics},
                                                 screen_rows=screen_rows(audit))


PROFILE_WORDS = {"pct_ed": "share economically disadvantaged",
                 "pct_el": "share of English learners", "pct_swd": "share with disabilities"}


def measure_words(measure: str) -> str:
    """A catalog metric's title or a profile share's words, never its code."""
    if measure in PROFILE_WORDS:
        return PROFILE_WORDS[measure]
    try:
        return catalog.get(measure).short_title
    except catalog.UnknownMetric:
        return measure


def screen_cell(r: Any) -> str:
    """One school x criterion verdict in words."""
    if r.met is None or (isinstance(r.met, float) and math.isnan(r.met)):
        return f"? ({r.note})"
    if r.met:
        return "meets"
    return f"short by {r.shortfall:.1f} ({measure_words(str(r.worst_metric))})"


def screen_rows(audit: Audit) -> list[tuple[str, list[str]]]:
    if audit.screen is None or audit.criteria is None:
        return []
    names = audit.profile.set_index("school_id").name
    order = [c.id for c in audit.criteria.criteria]
    return [(str(names.get(sid, sid)),
             [screen_cell(r) for r in rows.set_index("criterion").loc[order].reset_index()
              .itertuples()])
            for sid, rows in audit.screen.groupby("school_id", sort=True)]


def write(audit: Audit, out: Path) -> Path:
    """Write .html, .pdf or .xlsx; written beside the target then moved, so a failure
    leaves nothing half-written."""
    if out.suffix not in (".html", ".pdf", ".xlsx"):
        raise ValueError(f"an audit is written as .pdf, .html or .xlsx (got {out.suffix!r})")
    with written_atomically(out) as tmp:
        if out.suffix == ".html":
            tmp.write_text(render_html(audit), encoding="utf-8")
        elif out.suffix == ".pdf":
            from weasyprint import HTML

            HTML(string=render_html(audit)).write_pdf(tmp)
        else:
            # XlsxWriter: several times faster than openpyxl for tens of thousands of rows
            with pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
                audit.indicators.to_excel(xl, sheet_name="indicators", index=False)
                audit.gaps.to_excel(xl, sheet_name="gaps", index=False)
                audit.profile.to_excel(xl, sheet_name="schools", index=False)
                pd.concat([s.peers.assign(of=s.school_id) for s in audit.schools]
                          ).to_excel(xl, sheet_name="peers", index=False)
                if audit.odds is not None:
                    audit.odds.to_excel(xl, sheet_name="beating_the_odds", index=False)
                if audit.screen is not None:
                    audit.screen.to_excel(xl, sheet_name="award_screen", index=False)
    return out
