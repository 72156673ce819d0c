"""Teachers' rosters follow the warehouse: the students of the sections they teach.

A teacher role with a `staff_id` (the teacher's id in the SIS or OneRoster, `person_id` in
`section_rosters`) gets as roster every student in a section they teach at one of the
role's schools, in the latest school year loaded. Run after each load (the data job does)
or with `aimline site rosters`. Roles without a staff id keep the roster set by hand.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from aimline.web.orgs.models import Role
from aimline.web.warehouse import has_table, in_list, system_connection

ROSTER_SQL = """
SELECT DISTINCT s.person_id FROM section_rosters t
JOIN section_rosters s ON s.section_id = t.section_id AND s.school_year = t.school_year
WHERE t.role = 'teacher' AND t.person_id = ? AND s.role = 'student'
  AND t.school_year = (SELECT max(school_year) FROM section_rosters) AND {schools}
ORDER BY 1"""


@transaction.atomic
def sync_rosters(warehouse: Path) -> int:
    """Set the roster of every teacher role that has a staff id; returns how many."""
    roles = list(Role.objects.filter(role=Role.TEACHER).exclude(staff_id="")
                 .prefetch_related("schools"))
    if not roles:
        return 0
    with system_connection(warehouse) as con:
        if not has_table(con, "section_rosters"):
            return 0
        for r in roles:
            cond, params = in_list("t.school_id", [s.code for s in r.schools.all() if s.code])
            r.roster = [sid for (sid,) in con.execute(ROSTER_SQL.format(schools=cond),
                                                      [r.staff_id, *params]).fetchall()]
            r.save(update_fields=["roster"])
    return len(roles)
