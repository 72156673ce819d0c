"""Agreement rates and their suppression, on responses made by hand so every number can be
counted on the page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aimline.surveys import agreement, distribution


def people(group: str, answers: list[int | None], item: str = "invests",
           start: int = 0) -> list[dict[str, object]]:
    return [{"respondent": f"{group}{start + k}", "group": group, "item": item, "answer": a}
            for k, a in enumerate(answers)]


def rows(result: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, float, bool]]:
    return {(r.item, r.group): (r.n, r.agree, r.share, r.suppressed)
            for r in result.itertuples()}


def test_share_is_agree_or_strongly_agree_among_valid_answers() -> None:
    data = pd.DataFrame(people("candidate", [5, 4, 4, 2, 3, None, 1, 5])
                        + people("coach", [4, 4, 5, 5, 3]))
    got = rows(agreement(data))
    # 7 candidates answered (one left it empty); 4 chose 4 or 5
    assert got["invests", "candidate"] == (7, 4, pytest.approx(4 / 7), False)
    assert got["invests", "coach"] == (5, 4, 0.8, False)
    assert got["invests", "all"] == (12, 8, pytest.approx(8 / 12), False)


def test_a_group_of_four_is_hidden_and_so_is_the_group_that_would_reveal_it() -> None:
    data = pd.DataFrame(people("candidate", [5, 4, 4, 4, 2, 1, 3])
                        + people("coach", [4, 4, 5, 5, 2])
                        + people("supervisor", [1, 1, 2, 4]))
    got = rows(agreement(data, min_n=5))
    nan = (np.nan, np.nan, np.nan, True)
    assert got["invests", "supervisor"] == pytest.approx(nan, nan_ok=True)
    # all (16) - candidates (7) would give the supervisors' 4: the coaches (5, the
    # next-smallest) are hidden with them
    assert got["invests", "coach"] == pytest.approx(nan, nan_ok=True)
    assert got["invests", "candidate"] == (7, 4, pytest.approx(4 / 7), False)
    assert got["invests", "all"] == (16, 9, pytest.approx(9 / 16), False)


def test_minimum_is_a_setting_and_the_all_row_follows_it_too() -> None:
    data = pd.DataFrame(people("candidate", [5, 4, 4]) + people("coach", [4]))
    assert agreement(data, min_n=5).suppressed.all()
    data = pd.DataFrame(people("candidate", [5, 4, 4]) + people("coach", [4, 1]))
    shown = rows(agreement(data, min_n=2))
    assert shown["invests", "coach"] == (2, 1, 0.5, False)


def test_each_item_is_suppressed_on_its_own_answers() -> None:
    data = pd.DataFrame(people("candidate", [5] * 6) + people("coach", [4] * 6)
                        + people("candidate", [5, 5, 5, 5, None, None], item="connections")
                        + people("coach", [4] * 6, item="connections"))
    got = agreement(data, min_n=5)
    assert list(got.item.unique()) == ["invests", "connections"]
    assert not got[got.item == "invests"].suppressed.any()
    # 4 candidates answered "connections": hidden, with the coaches (the only other group)
    assert got[(got.item == "connections") & (got.group != "all")].suppressed.all()
    assert rows(got)["connections", "all"] == (10, 10, 1.0, False)


def test_the_distribution_counts_each_answer_under_the_same_suppression() -> None:
    data = pd.DataFrame(people("candidate", [5, 4, 4, 2, 3, 1]) + people("coach", [4, 4])
                        + people("supervisor", [1, 2, 2, 4, 5, 5, 5]))
    got = distribution(data, min_n=5).set_index("group")
    assert got.loc["supervisor", ["1", "2", "3", "4", "5"]].tolist() == [1, 2, 0, 1, 3]
    assert got.loc["coach"].suppressed and np.isnan(got.loc["coach", "4"])
    # the next-smallest group is hidden with the coaches; the all row stays
    assert got.loc["candidate"].suppressed and np.isnan(got.loc["candidate", "1"])
    assert got.loc["all", ["1", "2", "3", "4", "5"]].tolist() == [2, 3, 1, 5, 4]


def test_answers_off_the_scale_and_twice_given_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"respondent candidate1, item invests: answer 7"):
        agreement(pd.DataFrame(people("candidate", [5, 7])))
    twice = pd.DataFrame(people("coach", [4]) + people("coach", [5]))
    with pytest.raises(ValueError, match="coach0 answered item invests twice"):
        agreement(twice)
    with pytest.raises(ValueError, match="columns answer"):
        agreement(pd.DataFrame({"respondent": [1], "group": ["a"], "item": ["q"]}))


def test_a_custom_scale_names_its_own_agreeing_answers() -> None:
    data = pd.DataFrame(people("coach", [1, 2, 3, 4, 4, 4]))
    got = agreement(data, min_n=1, scale=(1, 2, 3, 4), agree=(3, 4))
    assert rows(got)["invests", "all"] == (6, 4, pytest.approx(4 / 6), False)
