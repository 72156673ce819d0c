"""Bad input is a ValueError naming the position and the problem; missing y is allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.improve import spc


@pytest.mark.parametrize(("kind", "y", "n", "message"), [
    ("p", [1, 2, 3], [10, 10], "y has 3 values but n has 2"),
    ("c", [1, -2, 3], None, "position 1 is -2"),
    ("p", [1, 2, 3], [10, 0, 10], "n must be a positive number: position 1 is 0"),
    ("p", [1, 12, 3], [10, 10, 10], "y exceeds n at position 1"),
    ("i", [5.0], None, "at least 2 points"),
    ("i", [5.0, np.nan, np.nan], None, "at least 2 points"),
    ("u", [1, 2, 3], [10, np.nan, 10], "n is missing at position 1"),
    ("i", [1, np.inf, 3], None, "y is infinite at position 1"),
    ("i", [1, "two", 3], None, "y must be numbers: position 1 is 'two'"),
    ("t", [3, 0, 4], None, "position 1 is 0"),
    ("p", [1, 2, 3], None, "needs n"),
    ("zz", [1, 2, 3], None, "unknown chart 'zz'"),
])
def test_bad_input_names_position_and_problem(kind: str, y: list, n: list | None,
                                              message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        spc.chart(kind, y, n)  # type: ignore[arg-type]


def test_bad_options_are_clear() -> None:
    with pytest.raises(ValueError, match=r"exclude holds 0-based positions 0\.\.4; got 5"):
        spc.chart("i", [1, 2, 3, 4, 5], exclude=[5])
    with pytest.raises(ValueError, match="freeze must be between 1 and 3"):
        spc.chart("i", [1, 2, 3], freeze=9)
    with pytest.raises(ValueError, match="unknown rule set 'westinghouse'"):
        spc.chart("i", [1, 2, 3], rules="westinghouse")


def test_missing_y_is_kept_as_a_point_without_value() -> None:
    y = [10, 12, np.nan, 11, 13, 9, 10, 12, 11, 10, 14, 9]
    res = spc.chart("i", y)
    assert len(res.points) == 12
    assert np.isnan(res.points["y"].iloc[2])
    assert not res.points["signal"].iloc[2]
    # the centre line is the mean of the values present (qicharts2: na.rm = TRUE)
    assert res.points["cl"].iloc[0] == pytest.approx(np.nanmean(y))
    assert res.runs["n_obs"].iloc[0] == 12 and res.runs["n_useful"].iloc[0] <= 11


def test_repeated_x_is_aggregated_and_said_so() -> None:
    res = spc.chart("p", [1, 2, 3, 4], [10, 10, 20, 20], x=["a", "a", "b", "b"])
    assert res.points["y"].tolist() == pytest.approx([3 / 20, 7 / 40])
    assert res.points["n"].tolist() == [20, 40]
    assert "aggregated by x: 4 values into 2 subgroups (sums)" in res.notes[0]


def test_the_cli_prints_the_error_and_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    pd.DataFrame({"week": range(5), "absent": [3, 4, 30, 2, 5],
                  "enrolled": [20, 20, 20, 20, 20]}).to_csv(path, index=False)
    out = tmp_path / "chart.html"
    result = CliRunner().invoke(app, ["chart", str(path), "--chart", "p", "--y", "absent",
                                      "--n", "enrolled", "--out", str(out)])
    assert result.exit_code == 1
    assert "y exceeds n at position 2" in " ".join(result.stderr.split())
    assert not out.exists()
    missing = CliRunner().invoke(app, ["chart", str(path), "--y", "absent", "--n", "pupils"])
    assert missing.exit_code == 1
    assert "no column 'pupils'" in " ".join(missing.stderr.split())
