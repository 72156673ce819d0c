"""The synthetic district: a realistic, deterministic extract for demos, tests and benchmarks.

    generate(Path("district"), students=20_000, seed=7, years=3)

Same arguments, same files, byte for byte. Each school-year draws from its own random
stream (seed, year, school), so the output does not depend on generation order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from aimline.data.extract import ExtractWriter, Format
from aimline.data.schema import table
from aimline.data.synth import cohort, records, staff
from aimline.data.synth import story as story_mod
from aimline.data.synth.calendar import school_calendar
from aimline.data.synth.population import make_schools, make_spans, make_students

LEA_ID = "0100001"
# the district as the source files the importers read
SOURCE_FORMATS = ("edfi-xml", "oneroster", "sis-example")
DEFAULT_END_YEAR = 2026  # the 2025-26 school year, the last complete one


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def generate(out: Path, *, students: int = 20_000, seed: int = 7, years: int = 3,
             end_year: int = DEFAULT_END_YEAR, fmt: Format = "csv",
             progress: Callable[[int, int], None] | None = None,
             story: bool = False) -> dict[str, int]:
    """Write a synthetic district extract to `out`; returns rows written per table.

    `progress(done, total)` is called after each school-year. `story`: the demo's
    improvement at some high schools (`synth.story`).
    """
    if students < 100:
        raise ValueError(f"--students must be at least 100 (got {students})")
    if not 1 <= years <= 20:
        raise ValueError(f"--years must be between 1 and 20 (got {years})")
    year_list = list(range(end_year - years + 1, end_year + 1))
    schools = make_schools(students, LEA_ID, _rng(seed, 1))
    pop = make_students(students, year_list, _rng(seed, 2))
    district_days = {y: school_calendar(y, 0, _rng(seed, 3, y)) for y in year_list}
    district_days = {y: d[i] for y, (d, i) in district_days.items()}
    n_days = min(len(d) for d in district_days.values())
    spans = make_spans(pop, schools, year_list, n_days, _rng(seed, 4))
    effects = {e.school_id: e for e in (story_mod.effects(schools, end_year) if story else [])}
    outcomes = cohort.outcomes(pop, spans, schools, year_list, _rng(seed, 5))
    pop["graduates"] = pop.student_id.isin(outcomes.student_id[outcomes.outcome == "graduated"])

    total = len(year_list) * len(schools)
    done = 0
    with ExtractWriter(out, fmt) as w:
        w.write(table("leas"), pd.DataFrame({"lea_id": [LEA_ID], "name": ["Aimline Unified"],
                                             "state": ["CA"]}))
        w.write(table("schools"), schools)
        w.write(table("courses"), records.courses())
        enrolled: dict[int, dict[int, int]] = {}
        for year in year_list:
            by_school = dict(tuple(spans[spans.school_year == year].groupby("school_row")))
            for row, school in schools.iterrows():
                pd_days = 2 if school.level == "elementary" else 1
                dates, instr = school_calendar(year, pd_days, _rng(seed, 6, year, row))
                sy = records.SchoolYear(school, year, dates, instr, district_days[year],
                                        effects.get(school.school_id))
                sp = by_school.get(row, spans.iloc[:0])
                for name, df in records.generate(sy, sp, pop, _rng(seed, 7, year, row)).items():
                    w.write(table(name), df)
                enrolled.setdefault(row, {})[year] = int(sp.sidx.nunique())
                done += 1
                if progress:
                    progress(done, total)
        for row, school in schools.iterrows():
            w.write(table("staff_assignments"),
                    staff.assignments(school, enrolled[row], _rng(seed, 8, row)))
        w.write(table("cohort_outcomes"), outcomes)
        w.write(table("students"), pop)
        return dict(w.rows)


def generate_source(out: Path, *, fmt: str, progress: Callable[[int, int], None] | None = None,
                    **kw: int) -> dict[str, int]:
    """The synthetic district as source files an importer reads (`SOURCE_FORMATS`), made
    from the canonical extract so a test can compare what comes back."""
    import tempfile

    from aimline.data.synth import edfi_xml, oneroster, sis_example

    writers = {"edfi-xml": edfi_xml.write, "oneroster": oneroster.write,
               "sis-example": sis_example.write}
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmp:
        generate(Path(tmp), progress=progress, **kw)
        return writers[fmt](Path(tmp), out)
