"""The district's role: `aimline district identify` (which schools need support, and
why), `aimline district principals` (principal assignments), `aimline district
disproportionality` (IDEA) and `aimline staffing` (staffing for equity)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from aimline.cli.common import WarehouseOpt, app, bar, console, fail
from aimline.data import warehouse as wh
from aimline.files import written_atomically

district_app = typer.Typer(help="The district's role: schools that need support.",
                           no_args_is_help=True)
app.add_typer(district_app, name="district")


@district_app.command("identify")
def identify_cmd(
    year: Annotated[int, typer.Option(help="School year")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id); needed when the warehouse holds several")] = None,
    index: Annotated[str, typer.Option(help="The index: catalog metrics, comma-separated, "
                                       "averaged")] = "proficiency_ela,proficiency_math",
    share: Annotated[float, typer.Option(help="CSI: the lowest share of each level")] = 0.05,
    graduation_cut: Annotated[float, typer.Option(help="CSI: graduation below (%)")] = 67.0,
    min_n: Annotated[int, typer.Option(help="Schools and groups with fewer tested are not "
                                       "rated (never below AIMLINE_MIN_N)")] = 10,
    criteria: Annotated[str, typer.Option(help="The district's own criteria set (JSON, see "
                                          "docs/equity.md), a named set, or none")] = "none",
    mentor_capacity: Annotated[int, typer.Option(
        help="Schools in comprehensive support one mentor school takes at most")] = 2,
    keep: Annotated[str, typer.Option(
        help="Pairings already agreed, kept where still allowed: SCHOOL:MENTOR,...")] = "",
    out: Annotated[Path | None, typer.Option(help="Also write the table: .csv or .xlsx")
                   ] = None,
) -> None:
    """Schools needing support: ESSA CSI (lowest 5% of each level by the index;
    graduation below 67%), ATSI (a group at or below the CSI cut) and the district's own
    criteria, each school with its reasons and numbers.

    Example: aimline district identify --year 2026
    """
    from aimline.equity import criteria as criteria_sets
    from aimline.reports.support import identification

    if out is not None and out.suffix not in (".csv", ".xlsx"):
        fail(f"--out must end in .csv or .xlsx (got {out.name!r})")
    path = wh.resolve(warehouse)
    pairs = [tuple(p.strip().split(":")) for p in keep.split(",") if p.strip()]
    if any(len(p) != 2 or not all(p) for p in pairs):
        fail(f"--keep is SCHOOL:MENTOR pairs, comma-separated (got {keep!r})")
    try:
        chosen = criteria_sets.resolve(criteria)
        with bar() as progress:
            task = progress.add_task("Reading the indicators", total=None)
            name, table = identification(path, year, lea=district,
                                         index=[m.strip() for m in index.split(",")],
                                         share=share, graduation_cut=graduation_cut,
                                         min_n=min_n, criteria=chosen,
                                         mentor_capacity=mentor_capacity,
                                         keep=pairs)  # type: ignore[arg-type]
            progress.update(task, description="Identified", total=1, completed=1)
    except (ValueError, KeyError) as e:
        fail(str(e))
    t = Table(title=f"{name}, {year - 1}–{year}: schools that need support")
    for col in ("school", "level", "index", "support", "reasons", "proposed mentor"):
        t.add_column(col, overflow="fold")
    names = dict(zip(table.school_id, table.name, strict=True))
    for r in table.itertuples():
        mentor = (f"{escape(names[r.mentor])} (similarity {r.similarity:.2f}, strength "
                  f"{r.strength:.2f})" if isinstance(r.mentor, str) else "—")
        t.add_row(f"{escape(r.name)} ({r.school_id})", r.level,
                  "—" if r.index != r.index or r.index is None else f"{r.index:.1f}",
                  r.support or "—", escape("; ".join(r.reasons)), mentor)
    console.print(t)
    n = int(table.identified.sum())
    console.print(f"{n} of {len(table)} schools identified.")
    if out is not None:
        flat = table.assign(**{c: table[c].map("; ".join) for c in
                               ("atsi_groups", "criteria_unmet", "reasons")})
        with written_atomically(out) as tmp:
            (flat.to_csv(tmp, index=False) if out.suffix == ".csv"
             else flat.to_excel(tmp, index=False))
        console.print(f"Written to {out}.")


@app.command("staffing")
def staffing_cmd(
    year: Annotated[int, typer.Option(help="School year")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id); needed when the warehouse holds several")] = None,
    inexperienced_years: Annotated[int, typer.Option(
        help="Inexperienced: at most this many years of teaching")] = 2,
    quartiles: Annotated[str, typer.Option(
        help="Quartiles of equal numbers of 'schools' or of 'students'")] = "schools",
    move: Annotated[int, typer.Option(
        help="Scenario: move this many effective teachers into the highest quartile")] = 0,
    out: Annotated[Path | None, typer.Option(help="Also write the tables: .xlsx")] = None,
) -> None:
    """Staffing for equity: inexperienced, out-of-field and ineffective teachers, students
    per teacher, support staff and retention by poverty and by minority quartile of
    schools, and the highest-versus-lowest gaps (ESSA 1111(g)(1)(B)).

    Example: aimline staffing --year 2026
    """
    from aimline.reports.staffing import DIMENSIONS, shown, staffing

    if out is not None and out.suffix != ".xlsx":
        fail(f"--out must end in .xlsx (got {out.name!r})")
    try:
        d = staffing(wh.resolve(warehouse), year, lea=district,
                     inexperienced_years=inexperienced_years, basis=quartiles, move=move)
    except ValueError as e:
        fail(str(e))
    for dim in DIMENSIONS:
        table = d[dim]["by_quartile"]
        t = Table(title=f"{d['district']}, {year - 1}–{year}: teachers by {dim} quartile "
                        f"(of {quartiles}; 4 = highest {dim})")
        t.add_column("")
        for q in table.index:
            t.add_column(f"Q{q}", justify="right")
        for col in table.columns:
            t.add_row(col.replace("_", " "), *(shown(v) for v in table[col]))
        console.print(t)
        console.print("— : fewer than 10 teachers followed, not shown.", style="dim")
        g = Table(title=f"Highest versus lowest {dim} quartile")
        for c in ("measure", "highest %", "lowest %", "gap (points)", "ratio"):
            g.add_column(c, justify="right" if c != "measure" else "left")
        for r in d[dim]["gaps"].itertuples():
            g.add_row(r.measure.replace("_", " "), f"{100 * r.high_poverty_rate:.1f}",
                      f"{100 * r.low_poverty_rate:.1f}", f"{r.gap_pp:+.1f}",
                      "—" if r.ratio != r.ratio else f"{r.ratio:.2f}")
        console.print(g)
        s = d[dim]["scenario"]
        if s is not None:
            m = Table(title=f"If {move} effective teachers moved from the lowest into the "
                            f"highest {dim} quartile")
            for c in ("measure", "gap before", "gap after", "highest after %",
                      "lowest after %"):
                m.add_column(c, justify="right" if c != "measure" else "left")
            for r in s.itertuples():
                m.add_row(r.measure.replace("_", " "), f"{r.gap_before_pp:+.1f}",
                          f"{r.gap_after_pp:+.1f}", f"{r.high_after:.1f}",
                          f"{r.low_after:.1f}")
            console.print(m)
    if out is not None:
        with written_atomically(out) as tmp, pd.ExcelWriter(tmp) as xl:
            d["schools"].to_excel(xl, sheet_name="Schools")
            for dim in DIMENSIONS:
                d[dim]["by_quartile"].to_excel(xl, sheet_name=f"By {dim} quartile")
                d[dim]["gaps"].to_excel(xl, sheet_name=f"{dim.title()} gaps", index=False)
        console.print(f"Written to {out}.")


@district_app.command("disproportionality")
def disproportionality_cmd(
    year: Annotated[int, typer.Option(help="The last school year")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id); needed when the warehouse holds several")] = None,
    threshold: Annotated[float, typer.Option(help="Risk ratio above which")] = 3.0,
    years: Annotated[int, typer.Option(help="In each of this many consecutive years")] = 3,
) -> None:
    """IDEA significant disproportionality in discipline: children with disabilities by
    race/ethnicity, the risk of an out-of-school suspension or expulsion, the risk ratio
    against the other children with disabilities, and the consecutive-years rule.

    Example: aimline district disproportionality --year 2026
    """
    from aimline.reports.disproportionality import disproportionality

    try:
        d = disproportionality(wh.resolve(warehouse), year, lea=district,
                               threshold=threshold, years=years)
    except ValueError as e:
        fail(str(e))
    t = Table(title=f"{d['district']}: discipline of children with disabilities "
                    f"(risk ratio; identified when above {threshold:g} in each of "
                    f"{len(d['years'])} years)")
    t.add_column("group")
    for y in d["years"]:
        t.add_column(f"{y - 1}–{y}", justify="right")
    t.add_column("identified")
    table = d["table"]
    for g, verdict in d["identified"].items():
        cells = []
        for y in d["years"]:
            r = table[(table.group == g) & (table.school_year == y)]
            ok = len(r) and r.status.iloc[0] == "risk_ratio"
            cells.append(f"{r.risk_ratio.iloc[0]:.2f} ({100 * r.risk.iloc[0]:.1f}%)" if ok
                         else "not calculated")
        t.add_row(g.replace("_", " "), *cells,
                  "yes" if verdict["identified"] else "no")
    console.print(t)
    console.print("Not calculated: fewer than 10 removed or 30 enrolled in the group, or "
                  "in all the others.")


@district_app.command("principals")
def principals_cmd(
    year: Annotated[int, typer.Option(help="School year")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id); needed when the warehouse holds several")] = None,
    experienced_years: Annotated[int, typer.Option(
        help="Experienced: at least this many years")] = 5,
    quartiles: Annotated[str, typer.Option(
        help="Quartiles of equal numbers of 'schools' or of 'students'")] = "schools",
) -> None:
    """Principal assignments: each school's principal, their years of experience, years at
    the school and in schools now in support; where the experienced principals are, by
    support status and by poverty quartile.

    Example: aimline district principals --year 2026
    """
    from aimline.reports.principals import principals
    from aimline.reports.support import identification

    path = wh.resolve(warehouse)
    try:
        with bar() as progress:
            task = progress.add_task("Identifying the schools in support", total=None)
            _, ident = identification(path, year, lea=district)
            progress.update(task, description="Identified", total=1, completed=1)
        d = principals(path, year, lea=district, basis=quartiles,
                       support=dict(zip(ident.school_id, ident.support, strict=True)),
                       experienced_years=experienced_years)
    except ValueError as e:
        fail(str(e))
    t = Table(title=f"{d['district']}, {year - 1}–{year}: principals")
    for c in ("school", "principal", "years", "at the school", "in struggling schools",
              "support"):
        t.add_column(c, justify="left" if c in ("school", "principal", "support")
                     else "right")
    for r in d["principals"].itertuples():
        t.add_row(f"{escape(r.name)} ({r.school_id})", r.staff_id, str(r.years_experience),
                  str(r.years_at_school), str(r.years_in_struggling), r.support)
    console.print(t)
    for title, table in (("by support status", d["by_support"]),
                         ("by poverty quartile", d["by_poverty_quartile"])):
        if table is None:
            continue
        s = Table(title=f"Principals {title} (experienced: {experienced_years}+ years)")
        for c in ("", "principals", "mean years", "experienced %", "years in struggling"):
            s.add_column(c, justify="right" if c else "left")
        for k, r in table.iterrows():
            s.add_row(str(k), str(r.principals), f"{r.mean_years:.1f}",
                      f"{r.experienced_pct:.0f}", str(r.years_in_struggling))
        console.print(s)
