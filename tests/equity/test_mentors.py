"""Mentor-school pairing (`aimline.equity.mentors`) on hand-made schools: the score as its
definition says, the constraints (same level, a stronger school not itself identified,
never itself, capacity, kept pairs), and the best total over every feasible pairing."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from aimline.equity import mentors

SCHOOLS = pd.DataFrame([
    # school, level, index, identified, pct_ed, pct_el, pct_swd
    ("S1", "elementary", 20.0, True, 80, 30, 12),
    ("S2", "elementary", 25.0, True, 70, 20, 14),
    ("M1", "elementary", 55.0, False, 78, 28, 12),  # like S1, strong
    ("M2", "elementary", 70.0, False, 20, 5, 10),   # the strongest, unlike both
    ("M3", "elementary", 22.0, False, 75, 25, 13),  # weaker than S2: not S2's mentor
    ("S3", "high", 30.0, True, 60, 10, 15),
    ("H1", "high", 45.0, False, 55, 12, 14),
], columns=["school_id", "level", "index", "identified", "pct_ed", "pct_el", "pct_swd"])


def test_each_score_is_similarity_and_strength_as_defined() -> None:
    got = mentors.scores(SCHOOLS).set_index(["seeker", "provider"])
    assert set(got.index) == {("S1", "M1"), ("S1", "M2"), ("S1", "M3"), ("S2", "M1"),
                              ("S2", "M2"), ("S3", "H1")}  # M3 is weaker than S2
    pool = SCHOOLS[SCHOOLS.school_id.isin(["M1", "M2", "M3"])]
    sd = pool[list(mentors.FEATURES)].std(ddof=1)
    s1, m1 = (SCHOOLS.set_index("school_id").loc[x, list(mentors.FEATURES)] for x in
              ("S1", "M1"))
    d = math.sqrt((((s1 - m1) / sd) ** 2).sum())
    strength = 4 / 5  # M1 is 4th of the 5 elementary schools by the index
    row = got.loc[("S1", "M1")]
    assert row.similarity == pytest.approx(1 / (1 + d))
    assert row.strength == pytest.approx(strength)
    assert row.score == pytest.approx(0.5 / (1 + d) + 0.5 * strength)


def test_the_pairing_is_the_best_total_within_capacity() -> None:
    table = mentors.scores(SCHOOLS)
    got = mentors.pair(SCHOOLS, capacity=1)
    made = got.dropna(subset=["provider"])
    assert made.provider.value_counts().max() == 1
    assert (SCHOOLS.set_index("school_id").level[made.seeker].to_numpy()
            == SCHOOLS.set_index("school_id").level[made.provider].to_numpy()).all()
    score = table.set_index(["seeker", "provider"]).score
    best = 0.0
    seekers = ["S1", "S2", "S3"]
    for choice in itertools.product(*[[None, *table[table.seeker == s].provider]
                                      for s in seekers]):
        used = [p for p in choice if p]
        if len(used) == len(set(used)) and len(used) == 3:
            best = max(best, sum(score[(s, p)] for s, p in zip(seekers, choice,
                                                               strict=True) if p))
    assert len(made) == 3 and made.score.sum() == pytest.approx(best)


def test_kept_pairs_stay_and_bad_constraints_are_refused() -> None:
    got = mentors.pair(SCHOOLS, capacity=1, keep=[("S1", "M2")])
    by = dict(zip(got.seeker, got.provider, strict=True))
    assert by["S1"] == "M2" and got.set_index("seeker").kept["S1"]
    # an agreed pair no longer allowed (M3 is weaker than S2) is not kept
    got = mentors.pair(SCHOOLS, capacity=1, keep=[("S2", "M3")])
    assert dict(zip(got.seeker, got.provider, strict=True))["S2"] != "M3"
    assert not got.kept.fillna(False).any()
    with pytest.raises(ValueError, match="cannot mentor itself"):
        mentors.pair(SCHOOLS, keep=[("S1", "S1")])
    with pytest.raises(ValueError, match="cannot mentor itself"):
        mentors.pair(SCHOOLS, exclude=[("S1", "S1")])
    with pytest.raises(ValueError, match="at least one"):
        mentors.pair(SCHOOLS, capacity=0)
    from aimline.matching import Infeasible
    with pytest.raises(Infeasible, match="capacity of M1"):
        mentors.pair(SCHOOLS, capacity=1, keep=[("S1", "M1"), ("S2", "M1")])


def test_a_school_with_no_stronger_peer_is_listed_without_a_mentor() -> None:
    lone = pd.concat([SCHOOLS, pd.DataFrame([("S4", "middle", 10.0, True, 50, 5, 5)],
                                            columns=SCHOOLS.columns)])
    got = mentors.pair(lone)
    assert got[got.seeker == "S4"].provider.isna().all()
