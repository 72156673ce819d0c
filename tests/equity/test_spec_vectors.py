"""Every equity worked example in shared/spec/equity_vectors.json, read at test time."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from aimline.equity import criteria, educators, essa
from aimline.equity import disproportionality as dp
from tests.conftest import SPEC

VECTORS: dict[str, Any] = json.loads((SPEC / "equity_vectors.json").read_text())
TOL = VECTORS["conventions"]["float_tolerance"]


def by_id(section: str) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in VECTORS[section]}


IDEA = by_id("idea_significant_disproportionality")


def test_risk_ratios_for_every_group_of_district_d() -> None:
    case = IDEA["idea_rr_identification_district_D"]
    counts = {g: (v["enrolled"], v["identified"]) for g, v in
              case["inputs"]["lea_enrollment_and_identified_by_group"].items()}
    got = dp.by_group(counts, min_cell=case["params"]["min_cell_size"],
                      min_n=case["params"]["min_n_size"])
    for group, want in case["expected"].items():
        g = got[group]
        assert g["status"] == want["status"], group
        for k in ("risk", "comparison_risk", "risk_ratio"):
            if k in want:
                assert g[k] == pytest.approx(want[k], abs=TOL), (group, k)


def test_alternate_risk_ratio_when_the_comparison_group_is_small() -> None:
    case = IDEA["idea_arr_small_comparison_group"]
    inp, want = case["inputs"], case["expected"]
    state = inp["state_comparison_all_other_groups"]
    got = dp.risk_ratio(inp["lea_group"]["enrolled"], inp["lea_group"]["identified"],
                        inp["lea_comparison_all_other_groups"]["enrolled"],
                        inp["lea_comparison_all_other_groups"]["identified"],
                        min_cell=case["params"]["min_cell_size"],
                        min_n=case["params"]["min_n_size"],
                        district_comparison=(state["enrolled"], state["identified"]))
    assert got["alternate"] and got["status"] == want["method"]
    assert got["risk"] == pytest.approx(want["lea_group_risk"], abs=TOL)
    assert got["comparison_risk"] == pytest.approx(want["state_comparison_risk"], abs=TOL)
    assert got["risk_ratio"] == pytest.approx(want["alternate_risk_ratio"], abs=TOL)
    assert "cell" in got["reason"] and "n-size" in got["reason"]


@pytest.mark.parametrize("case_id", [k for k in IDEA if k.startswith("idea_consecutive")])
def test_identification_over_consecutive_years(case_id: str) -> None:
    case = IDEA[case_id]
    inp = case["inputs"]
    got = dp.identify(inp["risk_ratio_history_oldest_first"], threshold=inp["threshold"],
                      consecutive_years=inp["consecutive_years_required"],
                      reasonable_progress=inp["reasonable_progress_min_annual_decrease"])
    assert got == case["expected"]


ESSA = by_id("essa_school_identification")


def test_csi_lowest_five_percent_of_title_one_schools() -> None:
    case = ESSA["csi_lowest_5pct_title1"]
    scores = case["inputs"]["title1_campus_scores_same_school_type"]
    got = essa.lowest_performing({f"c{i}": s for i, s in enumerate(scores)})
    want = case["expected"]
    assert got["n_schools"] == want["n_campuses"]
    assert got["n_identified"] == want["n_identified"]
    assert sorted(scores[int(c[1:])] for c in got["identified"]) == want["identified_scores"]
    assert got["cut_score"] == want["atsi_cut_score"]


def test_atsi_groups_against_the_cut() -> None:
    case = ESSA["atsi_subgroup_vs_cut"]
    got = essa.atsi(case["inputs"]["group_scores"], case["inputs"]["atsi_cut_score"])
    want = case["expected"]
    assert {s: v["flags"] for s, v in got.items()} == want["atsi_flag_by_group"]
    assert {s: v["identified"] for s, v in got.items()} == want["campus_identified_atsi"]


EQUITY = by_id("educator_equity")


def test_educator_equity_gaps_between_poverty_quartiles() -> None:
    case = EQUITY["equity_gap_poverty_quartiles"]
    schools = pd.DataFrame(case["inputs"]["schools"]).set_index("id")
    want = case["expected"]
    assert educators.xtile_cutpoints(schools.pct_frl) == want["quartile_cutpoints"]
    assert educators.quartiles(schools.pct_frl).to_dict() == want["quartile_by_school"]
    measures = list(want["pooled_teacher_weighted"])
    got = educators.gaps(schools, measures=measures).set_index("measure")
    for m, w in want["pooled_teacher_weighted"].items():
        assert got.loc[m, "high_poverty_rate"] == pytest.approx(w["high_poverty_rate"], abs=TOL)
        assert got.loc[m, "low_poverty_rate"] == pytest.approx(w["low_poverty_rate"], abs=TOL)
        assert got.loc[m, "gap_pp"] == pytest.approx(w["gap_pp"], abs=0.005)  # printed to .01
        assert got.loc[m, "ratio"] == pytest.approx(w["ratio"], abs=TOL)
    alt = want["alternative_mean_of_school_rates"]["inexperienced"]
    row = got.loc["inexperienced"]
    assert row.high_mean_of_schools == pytest.approx(alt["high"], abs=TOL)
    assert row.low_mean_of_schools == pytest.approx(alt["low"], abs=TOL)
    assert row.gap_pp_mean_of_schools == pytest.approx(alt["gap_pp"], abs=0.005)


def test_one_year_teacher_retention_by_poverty_quartile() -> None:
    case = by_id("sdp_human_capital")["sdp_one_year_retention"]
    years = pd.DataFrame(case["inputs"]["teacher_years"])
    status = educators.retention(years).set_index("tid")
    want = case["expected"]
    for tid, s in want["status_by_teacher"].items():
        assert status.loc[tid, ["stay", "transfer", "leave"]].to_dict() == s, tid
    quartile = status.school.map(case["inputs"]["school_poverty_quartile"])
    shares = educators.retention_by(status, quartile)
    for q, w in want["shares_by_poverty_quartile"].items():
        row = shares.loc[int(q)]
        for k in ("stay", "transfer", "leave"):
            assert row[k] == pytest.approx(w[k], abs=TOL), (q, k)
        assert row["n"] == w["n"]


SUBJECTS = {"ela": "proficiency_ela", "math": "proficiency_math",
            "science": "proficiency_science"}


def _ncust_rows(inp: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The case as indicator rows (the prior year 2025, the current 2026) and the state
    reference: the share economically disadvantaged from chronic absence's denominators,
    each racial/ethnic group's proficiency, attendance."""
    def row(metric: str, year: int, gt: str, gv: str, value: float, n: float = 100.0) -> dict:
        return {"metric": metric, "scope": "school", "school_id": "S", "school_year": year,
                "group_type": gt, "group_value": gv, "value": value, "denominator": n,
                "suppressed": False}
    out = []
    for year, frl, att in ((2025, inp["frl_prior"], inp["attendance"][0]),
                           (2026, inp["frl_cur"], inp["attendance"][1])):
        out += [row("chronic_absence", year, "all", "all", 10.0),
                row("chronic_absence", year, "economically_disadvantaged", "true", 10.0,
                    float(frl)),
                row("attendance_rate", year, "all", "all", att)]
    for subject, groups in inp["groups_by_subject"].items():
        out += [row(SUBJECTS[subject], 2026, "race_ethnicity", g, v) for g, v in groups.items()]
    state = pd.DataFrame([{"metric": SUBJECTS[s], "group_type": "all", "value": v}
                          for s, v in inp["state_avg"].items()])
    return pd.DataFrame(out), state


@pytest.mark.parametrize("case", VECTORS["ncust_abus_eligibility"][0]["cases"],
                         ids=lambda c: c["inputs"]["level"])
def test_award_screen_eligibility(case: dict[str, Any]) -> None:
    """The NCUST vectors through the one implementation of the rules, the criteria set
    the audit applies (`criteria.NCUST`)."""
    inp = case["inputs"]
    ind, state = _ncust_rows(inp)
    got = criteria.apply(ind, pd.DataFrame({"school_id": ["S"], "level": [inp["level"]]}),
                         criteria.NCUST, 2026, state=state).set_index("criterion")
    want = case["expected"]
    assert bool(got.loc["low_income", "met"]) == want["low_income_ok"]
    assert bool(got.loc["groups_above_state", "met"]) == want["proficiency_ok"]
    assert got.loc["groups_above_state", "passed"] == len(
        want["subjects_where_every_group_exceeds_state_avg"])
    assert bool(got.loc["attendance", "met"]) == want["attendance_ok"]
    assert bool(got.met.all()) == want["eligible"]
