"""Generate docs/metrics.md from the catalog (`make docs`); a test keeps them equal."""

from __future__ import annotations

from aimline.metrics import catalog
from aimline.metrics.groups import GROUP_TYPES

HEAD = """\
# Metrics

<!-- Generated from src/aimline/metrics/ by `make docs`; do not edit by hand. -->

Every number Aimline shows comes from this catalog. Each metric is defined once, as an Ibis
expression over the canonical tables (`src/aimline/metrics/`), and runs unchanged on DuckDB
or Spark. For every metric, school (and the district), period and student group:

`rate = 100 x sum(numerator) / sum(denominator)` — counts are summed first and the rate is
taken last; rates are never averaged.

**Student groups** (`group_type`): {groups}. Group flags come from `students`; grade is
the student's grade in their latest enrollment span at the school.

**Periods**: `year` (1 July to 30 June); `month` / `week`, each month's or week's own days
(chronic absence in October: students absent on at least 10% of October's instructional
days), so the points of a chart are independent; `month_to_date` / `week_to_date`, cumulative
from 1 July to the end of each month or week (the year-to-date figure). A metric lists the
periods it supports; a share of students needs 10 days in the period, so not `week`.

**Suppression** (before anything leaves), one policy for the CLI and the site
(`src/aimline/metrics/policy.py`), set once in the environment: `AIMLINE_MIN_N` (default
10), `AIMLINE_COMPLEMENTARY` (default 1), `AIMLINE_CODING` (`none` or `nm`). A cell is
suppressed when fewer than `AIMLINE_MIN_N` **students** stand behind it (the `students`
column: distinct students, never days or events, so an attendance rate of one student over
179 days is a cell of one); when exactly one cell of a group dimension is suppressed, the
next-smallest is too (complementary suppression); `nm` applies New Mexico's tiered
top/bottom coding. The reason is recorded per row, and a suppressed row's numbers are
emptied. `--min-n` and `--top-bottom` override the policy for one run; the policy each
indicator set was made under is stored with it (`indicator_sets`), and the site refuses to
show a set made under a weaker policy than its own, saying how to recompute. The true
counts of suppressed cells stay in the warehouse (`suppressed_counts`) for analytics that
add schools together (a network's baseline); they are never shown. `--no-suppress` is for
internal use and is never stored.

A metric that reads records as "none" where there is no row (attendance, suspensions,
course marks) has no rows for a district and year whose records were never loaded, rather
than a 0% it never measured.

```
aimline metrics list
aimline metrics show chronic_absence
aimline compute --year 2026 [--metric ID ...] \\
                [--period year|month|week|month_to_date|week_to_date] \\
                [--engine duckdb|spark] [--scope school|district] [--min-n N] \\
                [--top-bottom nm] --out indicators.csv
```

Output columns: `metric, scope (school | district), lea_id, school_id, school_year, period,
period_start, period_end, group_type, group_value, numerator, denominator, students, value,
unit, suppressed, suppression_reason, display`; the same rows are stored in the warehouse
table `indicators`.
"""


def render() -> str:
    out = [HEAD.format(groups=", ".join(f"`{g}`" for g in GROUP_TYPES))]
    for m in catalog.all_metrics():
        unit = "per 100 students" if m.unit == "per_100" else "percent"
        opts = ", ".join(f"`{k}={v!r}`" for k, v in m.options.items()) or "none"
        out.append(f"""
## `{m.id}` — {m.title}

{m.definition}

| | |
| --- | --- |
| numerator | {m.numerator} |
| denominator | {m.denominator} |
| unit | {unit}; {'higher' if m.higher_is_better else 'lower'} is better |
| periods | {', '.join(m.periods)} |
| options | {opts} |
| source | {m.source} |
""")
    return "".join(out)


if __name__ == "__main__":
    print(render(), end="")
