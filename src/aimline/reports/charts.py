"""Small SVG charts for reports (Vega-Lite via Altair, rendered by vl-convert)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

from aimline.metrics import catalog

GAP_METRICS = ("chronic_absence", "proficiency_ela")


def _svg(chart: alt.TopLevelMixin) -> str:
    svg = vlc.vegalite_to_svg(chart.to_dict(validate=False))  # built here: no need to re-check
    return svg[svg.index("<svg"):]  # drop the XML prolog so it can sit inline in HTML


def gap_dots(mine: pd.DataFrame, school_id: str) -> str:
    """Each group's rate as a dot beside the school's all-students rate (a rule), for the
    headline metrics; suppressed groups are absent, never drawn."""
    d = mine[mine.metric.isin(GAP_METRICS) & mine.value.notna()].copy()
    if d.empty:
        return ""
    d["title"] = d.metric.map(lambda m: catalog.get(m).title)
    d["group"] = d.group_type + ": " + d.group_value
    d = d[["title", "group", "group_type", "value"]]  # only what is drawn (and JSON-able)
    dots = alt.Chart().mark_circle(size=60, color="#1F618D").encode(
        x=alt.X("value:Q", title="%"), y=alt.Y("group:N", title=None, sort=None),
        tooltip=["group:N", alt.Tooltip("value:Q", format=".1f")]).transform_filter(
        alt.datum.group_type != "all")
    ref = alt.Chart().mark_rule(color="#E8710A", strokeWidth=2).encode(
        x="value:Q").transform_filter(alt.datum.group_type == "all")
    chart = alt.layer(dots, ref, data=d).properties(width=230, height=260).facet(
        column=alt.Column("title:N", title=None)).resolve_scale(x="independent")
    return _svg(chart.properties(title=f"Groups vs the all-students rate (orange), {school_id}"))


def odds_scatter(fit: pd.DataFrame) -> str:
    """% proficient against % economically disadvantaged, the fitted line and labels."""
    model = fit.attrs["model"]
    lo, hi = float(fit.pct_ed.min()), float(fit.pct_ed.max())
    b = model["coefficients"]["pct_ed"]
    line = pd.DataFrame({"pct_ed": [lo, hi],
                         "predicted": [model["intercept"] + b * lo, model["intercept"] + b * hi]})
    fit = fit[["school_id", "name", "pct_ed", "pct_proficient_ela", "label", "residual"]]
    colours = alt.Scale(domain=["beating", "expected", "falling_short", "excluded"],
                        range=["#117864", "#5DA5DA", "#C0392B", "#BBBBBB"])
    pts = alt.Chart(fit).mark_circle(size=70).encode(
        x=alt.X("pct_ed:Q", title="Economically disadvantaged (%)"),
        y=alt.Y("pct_proficient_ela:Q", title="Proficient in ELA (%)"),
        color=alt.Color("label:N", scale=colours, title=None),
        tooltip=["school_id:N", "name:N", alt.Tooltip("residual:Q", format=".1f")])
    fitted = alt.Chart(line).mark_line(color="#4D4D4D").encode(x="pct_ed:Q", y="predicted:Q")
    return _svg(alt.layer(fitted, pts).properties(width=460, height=280))
