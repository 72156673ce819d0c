"""Vega-Lite charts (via Altair) for a ChartResult: points and line, centre line solid,
limits dashed per part, signals coloured with a legend naming the rule, target line,
annotations as labelled rules, tooltips. PNG and SVG through vl-convert."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from aimline.improve.spc import ChartResult

LINE = "#5DA5DA"  # qicharts2's palette: data, signal, target
SIGNAL = "#E8710A"
TARGET = "#059748"
CENTRE = "#4D4D4D"
COMPARE = "#A6ACAF"  # another population beside the chart
NO_SIGNAL = "No signal"
SIGNAL_COLOURS = ["#E8710A", "#C0392B", "#8E44AD", "#B7950B", "#1F618D", "#117864", "#6E2C00"]


def _x_type(x: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(x):
        return "temporal"
    if pd.api.types.is_numeric_dtype(x):
        return "quantitative"
    return "ordinal"


def _status(res: ChartResult) -> pd.Series:
    """The first rule (in rule-set order) that flags each point, else 'No signal'."""
    status = pd.Series(NO_SIGNAL, index=res.points.index, dtype=object)
    for rule in reversed(res.rule_set.rules):
        status[res.points[rule.name].to_numpy()] = rule.label or rule.name
    return status


def _runs_line(res: ChartResult) -> str:
    if not res.rule_set.rules:  # no tests: a runs verdict would contradict "Rules: none"
        return ""
    parts = []
    for r in res.runs.itertuples():
        if not r.n_useful:
            continue
        verdict = "signal" if r.runs_signal else "no signal"
        parts.append(f"longest run {r.longest_run} (max {r.longest_run_max}), crossings "
                     f"{r.n_crossings} (min {r.n_crossings_min}): {verdict}")
    return "Runs: " + "; ".join(parts) if parts else ""


def spec(res: ChartResult, *, width: int = 640, height: int = 300, y_title: str = "",
         x_title: str = "", caption: str = "", compare: pd.DataFrame | None = None,
         compare_label: str = "") -> dict[str, Any]:
    """The chart's Vega-Lite spec. `compare` (x, y): another population's values drawn
    beside it in grey, on the same axes (no limits or rules of its own)."""
    d = res.points.copy()
    d["status"] = _status(res)
    if not res.rule_set.rules:
        d["runs_signal"] = False
    d["fired"] = [", ".join(r.label or r.name for r in res.rule_set.rules if row[r.name])
                  or "none" for _, row in d.iterrows()]
    xt = _x_type(d["x"])
    x = alt.X("x", type=xt, title=x_title or None)  # type: ignore[arg-type]
    y_enc = alt.Y("y:Q", title=y_title or None, scale=alt.Scale(zero=False))
    base = alt.Chart(d)
    labels = [NO_SIGNAL] + [r.label or r.name for r in res.rule_set.rules]
    colours = [LINE, *SIGNAL_COLOURS[:len(labels) - 1]]
    tooltip = [alt.Tooltip("x", type=xt), alt.Tooltip("y:Q", format=".4~g"),  # type: ignore[arg-type]
               alt.Tooltip("cl:Q", format=".4~g", title="centre"),
               alt.Tooltip("lcl:Q", format=".4~g", title="lower limit"),
               alt.Tooltip("ucl:Q", format=".4~g", title="upper limit"),
               alt.Tooltip("fired:N", title="signals")]
    if res.points["n"].notna().any():
        tooltip.insert(2, alt.Tooltip("n:Q", format=",.0f"))
    # drawn bottom to top: limits (dashed), centre line (dashed where the runs analysis
    # signals, as qicharts2 draws it), the data line, then the points coloured by signal
    layers = [base.mark_line(color=CENTRE, strokeDash=[5, 4], strokeWidth=1,
                             interpolate="step-after").encode(x=x, y=f"{col}:Q", detail="part:N")
              for col in ("lcl", "ucl") if d[col].notna().any()]
    layers += [
        base.mark_line(color=CENTRE, strokeWidth=1.5, interpolate="step-after").encode(
            x=x, y="cl:Q", detail="part:N",
            strokeDash=alt.StrokeDash("runs_signal:N", legend=None, scale=alt.Scale(
                domain=[False, True], range=[[1, 0], [8, 4]]))),
        base.mark_line(color=LINE, strokeWidth=1.5).encode(x=x, y=y_enc, detail="part:N"),
        base.mark_circle(size=55, opacity=1).encode(
            x=x, y="y:Q", tooltip=tooltip,
            color=alt.Color("status:N", title="Signal",
                            scale=alt.Scale(domain=labels, range=colours),
                            legend=alt.Legend(orient="bottom", direction="horizontal")
                            if res.rule_set.rules else None)),
    ]
    if d["target"].notna().any():
        layers.append(base.mark_line(color=TARGET, strokeDash=[2, 2]).encode(x=x, y="target:Q"))
    if compare is not None and len(compare):
        other = compare.assign(label=compare_label or "comparison")
        if xt == "temporal":
            other["x"] = pd.to_datetime(other["x"])
        line = alt.Chart(other).mark_line(color=COMPARE, strokeWidth=1.5, point=True)
        layers.insert(0, line.encode(x=alt.X("x", type=xt), y="y:Q",  # type: ignore[arg-type]
                                     tooltip=["label:N", alt.Tooltip("y:Q", format=".4~g")]))
    if res.annotations:
        notes = pd.DataFrame([{"x": a.x, "label": a.label, "kind": a.kind}
                              for a in res.annotations])
        if xt == "temporal":
            notes["x"] = pd.to_datetime(notes["x"])
        ann = alt.Chart(notes)
        layers.append(ann.mark_rule(color="#7F8C8D", strokeDash=[1, 3]).encode(
            x=alt.X("x", type=xt), tooltip=["label:N", "kind:N"]))  # type: ignore[arg-type]
        # labels run down beside their rule, so notes on nearby dates do not overwrite
        # each other as side-by-side horizontal labels would
        layers.append(ann.mark_text(align="right", baseline="bottom", dx=-3, dy=-2,
                                    angle=270, fontSize=9, color="#566573").encode(
            x=alt.X("x", type=xt), y=alt.value(2), text="label:N"))  # type: ignore[arg-type]
    beside = f"Grey: {compare_label}" if compare is not None and len(compare) else ""
    subtitle = [s for s in (f"Rules: {res.rule_set.label}", _runs_line(res), beside,
                            *res.notes) if s]
    chart = alt.layer(*layers, data=d).properties(
        width=width, height=height,
        title=alt.TitleParams(res.title, subtitle=subtitle, anchor="start"))
    out = chart.to_dict()
    if caption:
        out["description"] = caption
    return _clean(out)


def _clean(obj: Any) -> Any:
    """Make the spec strict JSON: NaN and infinities become null."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def save(res: ChartResult, path: Path, **kwargs: Any) -> Path:
    """Write .html (self-contained, works offline), .svg, .png or .json."""
    import json

    import vl_convert as vlc

    s = spec(res, **kwargs)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(s, indent=2))
    elif suffix == ".svg":
        path.write_text(vlc.vegalite_to_svg(s))
    elif suffix == ".png":
        path.write_bytes(vlc.vegalite_to_png(s, scale=2))
    elif suffix == ".html":
        path.write_text(vlc.vegalite_to_html(s, bundle=True))
    else:
        raise ValueError(f"cannot save a chart as {suffix!r}: use .html, .svg, .png or .json")
    return path
