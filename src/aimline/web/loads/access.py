"""Who loads a district's data."""

from __future__ import annotations

from aimline.web.access import Action, Rules

LOADS = Rules("loads", "Data loads into the warehouse.", [
    Action("load", "Load a district's data and read its load jobs",
           lambda s, district=None: (district in s.load_districts) if district
           else bool(s.load_districts)),
])
