"""A network measure at one school as a run or control chart, with the team's PDSA cycles
and the network's phase changes drawn at their dates, and the baseline frozen or new parts
started where the team said so.

A catalog measure's values come from the warehouse (stored indicators, by month, every
school year); a hand-entered measure's from its MeasureValue rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.conf import settings

from aimline.improve import spc
from aimline.metrics import catalog, suppression
from aimline.web.access import Net
from aimline.web.dashboards import charts
from aimline.web.networks.models import (
    ChartChange,
    Measure,
    MeasureValue,
    Network,
    PDSACycle,
    PhaseChange,
)
from aimline.web.orgs.models import Organisation
from aimline.web.warehouse import Reader


def annotations(measure: Measure, school: Organisation, *, cycles: bool
                ) -> list[spc.Annotation]:
    """Phase changes for everyone who sees the chart; the team's PDSA cycles (their
    titles are the team's work) only when `cycles`, i.e. the viewer may read the team's
    cycles (`networks.access`: read_cycles)."""
    net: Network = measure.network
    out = [spc.Annotation(pd.Timestamp(c.start), f"PDSA: {c.title}"[:40], "pdsa")
           for c in PDSACycle.objects.filter(network=net, school=school, measures=measure)
           ] if cycles else []
    out += [spc.Annotation(pd.Timestamp(p.began), p.get_phase_display(), "phase")
            for p in PhaseChange.objects.filter(network=net)]
    return out


def _positions(x: np.ndarray, measure: Measure, school: Organisation) -> dict[str, object]:
    """freeze / part as spc.chart wants them: counts of points before each change's date."""
    opts: dict[str, object] = {}
    dates = pd.to_datetime(pd.Series(x))
    parts = []
    for ch in ChartChange.objects.filter(measure=measure, school=school):
        k = int((dates < pd.Timestamp(ch.date)).sum())
        if 0 < k < len(dates):
            if ch.kind == ChartChange.FREEZE:
                opts["freeze"] = k
            else:
                parts.append(k)
    if parts:
        opts["part"] = sorted(set(parts))
    return opts


def chart(measure: Measure, school: Organisation, reader: Reader, *, cycles: bool
          ) -> charts.Trend:
    """The measure's chart at one school, read through the viewer's `reader` (404 unless
    they may read the network); `cycles`: draw the team's PDSA cycles."""
    notes = annotations(measure, school, cycles=cycles)
    if measure.metric:
        try:
            catalog.get(measure.metric)
        except catalog.UnknownMetric:
            return charts.Trend(None, f"{measure.metric!r} is no longer in the metric "
                                      "catalog: choose another metric for this measure.")
        rows = reader.network_series(Net.of(measure.network), school.code,
                                     metric=measure.metric)
        if not len(rows):
            return charts.Trend(None, "No values in the warehouse for this school yet.")
        x = pd.to_datetime(rows.sort_values(["school_year", "period_end"]).period_end)
        opts = _positions(x.to_numpy(), measure, school)
        try:
            return charts.trend(rows, measure.metric, "month", annotations=notes, **opts)
        except ValueError as e:  # e.g. a freeze that leaves too few points
            return charts.Trend(None, str(e))
    vals = pd.DataFrame(MeasureValue.objects.filter(measure=measure, school=school)
                        .values("date", "value", "n"), columns=["date", "value", "n"])
    # a proportion's n counts people: below the site's minimum it is suppressed, as a
    # computed indicator would be, for everyone who sees the chart
    hidden = suppression.too_small(vals.n.fillna(np.inf), settings.MIN_N)
    vals = vals[~hidden].reset_index(drop=True)
    note = (f" {int(hidden.sum())} value(s) with n below {settings.MIN_N} are suppressed."
            if hidden.any() else "")
    if len(vals) < 2:
        return charts.Trend(None, "Fewer than two values entered for this school." + note)
    x = pd.to_datetime(vals.date).to_numpy()
    has_n = vals.n.notna().all()
    kind = spc.suggest(vals.value, vals.n if has_n else None,
                       kind="proportion" if has_n else "measurement")
    try:
        res = spc.chart(kind.kind, y=vals.value, n=vals.n if has_n else None, x=x,
                        multiply=100 if has_n else 1, rules="anhoej", annotations=notes,
                        title=f"{measure.name} — {spc.TITLES[kind.kind]}",
                        **_positions(x, measure, school))  # type: ignore[arg-type]
    except ValueError as e:
        return charts.Trend(None, str(e))
    return charts.Trend(res, kind.reason + note)


def svg(measure: Measure, school: Organisation, reader: Reader, *, cycles: bool,
        width: int = 560, height: int = 220) -> tuple[str, charts.Trend]:
    t = chart(measure, school, reader, cycles=cycles)
    if t.result is None:
        return "", t
    return charts.svg(t.result, y_title=measure.unit or measure.name, width=width,
                      height=height), t
