"""Identification of the schools that need support (`aimline.equity.identify`) on the
district's own indicator rows, against the published ESSA vectors in ../shared/spec."""

from __future__ import annotations

import pandas as pd
import pytest

from aimline.equity import criteria, identify
from tests.equity.test_spec_vectors import ESSA

GROUPS = {"english_learners": ("english_learner", "true"),
          "students_with_disabilities": ("disability", "true"),
          "hispanic": ("race_ethnicity", "hispanic"), "black": ("race_ethnicity", "black")}


def rows(school: str, group: tuple[str, str], score: float, n: int = 40,
         metrics: tuple[str, ...] = identify.INDEX, year: int = 2026) -> list[dict]:
    return [{"metric": m, "scope": "school", "school_id": school, "school_year": year,
             "group_type": group[0], "group_value": group[1], "value": score,
             "denominator": float(n), "suppressed": False} for m in metrics]


def vector_district() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 40 campuses of the CSI vector, the two highest replaced by the ATSI vector's
    campuses A and B (all-students 52 and 60: the lowest two, and the cut, stay)."""
    scores = ESSA["csi_lowest_5pct_title1"]["inputs"]["title1_campus_scores_same_school_type"]
    atsi = ESSA["atsi_subgroup_vs_cut"]["inputs"]["group_scores"]
    out, names = [], []
    for i, score in enumerate(scores[:-2]):
        out += rows(f"c{i:02d}", ("all", "all"), score)
        names.append(f"c{i:02d}")
    for school, groups in atsi.items():
        for g, score in groups.items():
            out += rows(school, ("all", "all") if g == "all" else GROUPS[g], score)
        names.append(school)
    ind = pd.DataFrame(out)
    return ind, pd.DataFrame({"school_id": names, "name": names, "level": "elementary"})


def test_csi_and_atsi_as_the_published_vectors_say() -> None:
    ind, schools = vector_district()
    got = identify.identify(ind, schools, 2026).set_index("school_id")
    want = ESSA["csi_lowest_5pct_title1"]["expected"]
    csi = got[got.csi]
    assert len(csi) == want["n_identified"]
    assert sorted(csi["index"]) == want["identified_scores"]
    assert all(f"cut {want['atsi_cut_score']:.1f}" in r[0] for r in csi.reasons)
    flags = ESSA["atsi_subgroup_vs_cut"]["expected"]["atsi_flag_by_group"]
    from aimline.metrics.groups import label
    for school, by_group in flags.items():
        expected = sorted(label(*GROUPS[g]) for g, hit in by_group.items() if hit)
        assert sorted(got.loc[school, "atsi_groups"]) == expected
        assert got.loc[school, "support"] == "ATSI"
    assert got.identified.sum() == want["n_identified"] + len(flags)


def test_a_group_below_the_minimum_is_not_evaluated_and_graduation_below_67() -> None:
    ind, schools = vector_district()
    few = ind[(ind.school_id == "campus_A") & (ind.group_type == "disability")].index
    ind.loc[few, "denominator"] = 9.0  # fewer than 10 tested: not evaluated
    ind = pd.concat([ind, pd.DataFrame(
        rows("c20", ("all", "all"), 66.9, metrics=("graduation_4yr",))
        + rows("c21", ("all", "all"), 67.0, metrics=("graduation_4yr",)))])
    got = identify.identify(ind, schools, 2026).set_index("school_id")
    assert not got.loc["campus_A", "identified"]
    assert got.loc["c20", "support"] == "CSI" and "below 67%" in got.loc["c20", "reasons"][-1]
    assert not got.loc["c21", "identified"]  # 67.0 is not below 67


def test_the_districts_own_criteria_identify_with_the_shortfall() -> None:
    ind, schools = vector_district()
    ind = pd.concat([ind, pd.DataFrame(rows("c30", ("all", "all"), 88.0,
                                            metrics=("attendance_rate",))
                                       + rows("c31", ("all", "all"), 95.0,
                                              metrics=("attendance_rate",)))])
    cs = criteria.CriteriaSet("ours", "the district", (criteria.Criterion(
        "attendance", "Attendance at least 90%", ("attendance_rate",), ">=", 90),))
    got = identify.identify(ind, schools, 2026, criteria=cs).set_index("school_id")
    assert got.loc["c30", "support"] == "district criteria"
    assert got.loc["c30", "criteria_unmet"] == ["attendance"]
    assert "2.0 short" in got.loc["c30", "reasons"][0]
    assert not got.loc["c31", "identified"]


def test_an_unknown_index_metric_is_refused() -> None:
    ind, schools = vector_district()
    with pytest.raises(ValueError, match="proficiency_reading"):
        identify.identify(ind, schools, 2026, index=("proficiency_reading",))


def test_csi_ranks_the_title_one_schools_where_the_flag_is_given() -> None:
    ind, schools = vector_district()
    schools["title_i"] = schools.school_id != "c00"  # the lowest (12.0) is not Title I
    got = identify.identify(ind, schools, 2026).set_index("school_id")
    # 39 Title I schools: ceil(5% of 39) = 2, now 18.5 and 22.0; c00 is rated, not ranked
    assert sorted(got[got.csi]["index"]) == [18.5, 22.0]
    assert "of 39 Title I elementary schools (cut 22.0)" in got.loc["c01", "reasons"][0]
    assert not got.loc["c00", "csi"]
