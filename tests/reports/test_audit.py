"""The audit: a PDF with cover, a section per school and the appendix; nothing suppressed
leaks into the PDF, HTML or workbook; bad input fails clearly and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.metrics import catalog, engine
from aimline.reports import audit
from tests.conftest import synthetic_warehouse
from tests.metrics import tiny

runner = CliRunner()


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("audit"), students=1500, seed=21,
                               years=2)


@pytest.fixture(scope="module")
def built(wh: Path) -> audit.Audit:
    return audit.build(wh, 2026)


def test_the_pdf_has_a_cover_a_section_per_school_and_the_appendix(
        built: audit.Audit, tmp_path: Path) -> None:
    pdf = audit.write(built, tmp_path / "audit.pdf")
    text = words(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    assert "EQUITY & EXCELLENCE AUDIT" in text and "Aimline Unified" in text
    assert "Executive summary" in text and "District overview, 2026" in text
    for s in built.schools:
        assert f"{s.name} ({s.school_id}, {s.level})" in text
    assert "Appendix: methods and definitions" in text
    for m in built.metrics:
        assert words(m.source) in text, m.id
    assert "No state reference was given" in text
    # the award screen: each school's verdict on each criterion, the state one undecided
    assert "Award screen: ncust" in text and "? (needs a state reference)" in text
    assert set(built.screen.school_id) == {s.school_id for s in built.schools}
    assert built.screen[built.screen.criterion == "groups_above_state"].met.isna().all()


def test_peers_are_other_schools_of_the_same_level_nearest_first(built: audit.Audit) -> None:
    levels = built.profile.set_index("school_id").level
    for s in built.schools:
        if s.peers.empty:
            continue
        assert s.school_id not in set(s.peers.school_id)
        assert set(levels[s.peers.school_id]) == {s.level}
        assert s.peers.distance.is_monotonic_increasing and (s.peers.distance > 0).all()


def test_no_suppressed_value_reaches_the_report(built: audit.Audit, wh: Path,
                                                tmp_path: Path) -> None:
    ind = built.indicators
    hidden = ind[ind.suppressed]
    assert len(hidden) > 0  # the district has small groups
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()
    book = audit.write(built, tmp_path / "audit.xlsx")
    sheet = pd.read_excel(book, sheet_name="indicators")
    assert sheet[sheet.suppressed][["numerator", "denominator", "value"]].isna().all().all()
    # in the HTML every cell of a suppressed group shows the mark, never a number
    raw = engine.compute(wh, 2026, metrics=list(audit.METRICS), suppress=False)
    html = audit.render_html(built)
    s = built.schools[0]
    section = html.split(f"{s.name} <span")[1].split("<section")[0]
    mine = hidden[(hidden.school_id == s.school_id) & (hidden.school_year == 2026)]
    for r in mine.itertuples():
        row_label = "All students" if r.group_type == "all" else audit.label(r.group_type,
                                                                             r.group_value)
        cells = re.search(rf"<td>{re.escape(row_label)}</td>(.*?)</tr>", section, re.S)
        assert cells, row_label
        true = raw[(raw.metric == r.metric) & (raw.school_id == s.school_id) &
                   (raw.group_type == r.group_type) & (raw.group_value == r.group_value)]
        assert f"<td>{true.display.iloc[0]}</td>" not in cells.group(1) or \
            true.display.iloc[0] == "*"
        assert "<td>*</td>" in cells.group(1)


def test_the_state_reference_adds_state_gaps(wh: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.csv"
    pd.DataFrame([{"metric": "chronic_absence", "group_type": "all", "group_value": "all",
                   "value": 15.0},
                  {"metric": "chronic_absence", "group_type": "disability",
                   "group_value": "true", "value": 22.0}]).to_csv(state, index=False)
    out = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["audit", "--year", "2026", "--warehouse", str(wh),
                                 "--out", str(out), "--state-reference", str(state)])
    assert result.exit_code == 0, result.output
    g = pd.read_excel(out, sheet_name="gaps")
    swd = g[(g.metric == "chronic_absence") & (g.group_type == "disability") &
            (g.group_value.astype(str).str.lower() == "true")].dropna(subset=["value"])
    assert len(swd) > 0
    assert (swd.gap_to_state - (swd.value - 22.0)).abs().max() < 1e-9


@pytest.mark.parametrize(("rows", "message"), [
    ([{"metric": "happiness", "group_type": "all", "group_value": "all", "value": 1}],
     "unknown metric 'happiness'"),
    ([{"metric": "chronic_absence", "value": 1}], "lacks column(s) group_type, group_value"),
])
def test_a_bad_state_reference_is_refused(wh: Path, tmp_path: Path, rows: list[dict],
                                          message: str) -> None:
    state = tmp_path / "state.csv"
    pd.DataFrame(rows).to_csv(state, index=False)
    out = tmp_path / "a.pdf"
    result = runner.invoke(app, ["audit", "--year", "2026", "--warehouse", str(wh),
                                 "--out", str(out), "--state-reference", str(state)])
    assert result.exit_code == 1 and message in words(result.stderr)
    assert not out.exists()


def test_too_few_schools_to_fit_the_model_is_said(tmp_path: Path) -> None:
    wh = tiny.warehouse(tmp_path)
    a = audit.build(wh, tiny.YEAR)
    assert a.odds is None
    assert any("too few schools to fit a model" in n for n in a.notes)
    assert "too few schools to fit a model" in audit.render_html(a)


def test_unknown_school_and_year_fail_clearly(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.html"
    bad = runner.invoke(app, ["audit", "--year", "2026", "--warehouse", str(wh), "--out",
                              str(out), "--schools", "9999"])
    assert bad.exit_code == 1 and "school 9999 of district 0100001 has no indicators" in words(
        bad.stderr)
    year = runner.invoke(app, ["audit", "--year", "2031", "--warehouse", str(wh), "--out",
                               str(out)])
    assert year.exit_code == 1 and "school year 2031 is not in the warehouse" in words(
        year.stderr)
    assert not out.exists()


def test_the_methods_appendix_is_the_catalog(built: audit.Audit) -> None:
    from markupsafe import escape

    html = audit.render_html(built)
    for m in built.metrics:
        assert str(escape(catalog.get(m.id).definition)) in html


def test_a_warehouse_of_two_districts_is_audited_one_district_at_a_time(
        wh: Path, built: audit.Audit, tmp_path: Path) -> None:
    """Two districts in one warehouse: each audit lists its own schools only and carries
    its own district's name; without --district the CLI asks which (nothing written)."""
    import shutil

    from tests.web.conftest import OTHER_LEA, add_other_district

    two = tmp_path / "two.duckdb"
    shutil.copyfile(wh, two)
    add_other_district(two)
    mine = audit.build(two, 2026, lea="0100001", criteria=None)
    other = audit.build(two, 2026, lea=OTHER_LEA, criteria=None)
    assert mine.district == "Aimline Unified" and other.district == "Other Unified"
    assert {s.school_id for s in mine.schools} == {s.school_id for s in built.schools}
    assert other.schools and all(s.school_id.startswith("X") for s in other.schools)
    for a, lea in ((mine, "0100001"), (other, OTHER_LEA)):
        assert set(a.indicators.lea_id) == {lea}
        assert set(a.profile.school_id) == {s.school_id for s in a.schools}
    out = tmp_path / "a.xlsx"
    asked = runner.invoke(app, ["audit", "--year", "2026", "--warehouse", str(two), "--out",
                                str(out), "--criteria", "none"])
    assert asked.exit_code == 1 and "holds 2 districts; name one (--district)" in words(
        asked.stderr)
    assert not out.exists()
    ok = runner.invoke(app, ["audit", "--year", "2026", "--warehouse", str(two), "--out",
                             str(out), "--criteria", "none", "--district", OTHER_LEA])
    assert ok.exit_code == 0, ok.stderr
    sheet = pd.read_excel(out, sheet_name="schools", dtype={"school_id": str})
    assert set(sheet.school_id) == {s.school_id for s in other.schools}



def test_the_analytics_run_on_true_counts_whatever_the_policy(wh: Path, built: audit.Audit
                                                              ) -> None:
    """Peers, beating the odds and the award screen see each school as it is: a stricter
    policy hides more of what is shown, but a small group is never read as 0%."""
    from aimline.metrics.policy import Policy

    strict = audit.build(wh, 2026, policy=Policy(150))
    shown = strict.profile.set_index("school_id")
    assert shown.pct_ed.isna().any()  # some schools' shares are now hidden...
    assert strict.odds_model == built.odds_model  # ...the model is fitted on the same data
    for loose, tight in zip(built.schools, strict.schools):
        if loose.peers.empty:
            assert tight.peers.empty
            continue
        assert list(tight.peers.school_id) == list(loose.peers.school_id)
        assert tight.peers.distance.tolist() == pytest.approx(loose.peers.distance.tolist())
    # what is shown: whole percents, or nothing where the group or the rest is small
    published = built.profile.set_index("school_id")
    assert (published.pct_ed.dropna() == published.pct_ed.dropna().round()).all()


def test_each_school_counts_every_gap_not_only_the_sentences_written(
        built: audit.Audit) -> None:
    g = built.gaps
    for s in built.schools:
        mine = g[(g.school_id == s.school_id) & (g.school_year == built.year)
                 & (g.direction == "worse") & (g.gap_to_school.abs() >= audit.FINDING_POINTS)]
        assert s.gap_count == len(mine), s.school_id
        assert len(s.findings) == min(len(mine), audit.MAX_FINDINGS)
    assert any(s.gap_count > audit.MAX_FINDINGS for s in built.schools)  # a cap is no count


def test_the_district_row_comes_first(built: audit.Audit) -> None:
    names = list(built.overview.index)
    assert names[0] == "District" and names[1:] == sorted(names[1:])


def test_a_model_that_separates_no_school_says_so(built: audit.Audit) -> None:
    model, fit = built.odds_model, built.odds
    assert model is not None and fit is not None
    separates = (fit.residual.abs() >= model["band"]).any()
    said = any("separates no school" in n for n in built.notes)
    assert said == (not separates)
    words_ = {s.odds_label for s in built.schools if s.odds_label}
    assert words_ <= set(audit.ODDS_WORDS.values())


def test_the_cover_says_draft_or_published(built: audit.Audit, tmp_path: Path) -> None:
    import dataclasses

    html = audit.render_html(built)
    assert "Draft: not yet reviewed or published" in html
    published = dataclasses.replace(built, status="Published: version 2, 2026-12-01")
    html = audit.render_html(published)
    assert "Published: version 2, 2026-12-01" in html and "Draft" not in html


def test_the_award_screen_names_measures_in_words(built: audit.Audit) -> None:
    cells = [c for _, row in audit.screen_rows(built) for c in row]
    assert any(c.startswith("short by") for c in cells)
    codes = [c for c in cells if re.search(r"\([a-z]+_[a-z_0-9]+\)", c)]
    assert not codes, codes[:3]


def test_the_audit_shows_staffing_for_equity_as_the_staffing_report_computes_it(
        built: audit.Audit, wh: Path) -> None:
    from aimline.reports.staffing import as_text, staffing

    d = staffing(wh, built.year)
    assert built.staffing == {dim: as_text(d[dim]) for dim in ("poverty", "minority")}
    gap = d["poverty"]["gaps"].set_index("measure").loc["inexperienced", "gap_pp"]
    html = words(audit.render_html(built))
    assert "Staffing for equity" in html and f"{gap:+.1f}" in html
