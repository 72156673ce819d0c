"""Who may do what with a survey. Seats at one survey: its staff (keep it, send links,
read results), its readers (read the suppressed results), a person holding a link to it
(answer it once). Nobody reads an individual response on the site: results leave only as
aggregates through `aimline.surveys`, suppressed below the survey's minimum."""

from __future__ import annotations

from aimline.web.access import Action, Rules, Seat, seated

STAFF, READER, RESPONDENT = "staff", "reader", "respondent"

SURVEYS = Rules("surveys", "A survey: its instrument, links and results. Columns are seats "
                "at one survey; a personal link needs no sign-in.", [
    Action("results", "Read the results: agreement by item, group and cohort, the "
           "distribution, n; open text only where at least the minimum answered; the XLSX",
           seated(STAFF, READER)),
    Action("manage", "Keep the instrument and make personal links (to an address or a "
           "signed-in person)", seated(STAFF)),
    Action("answer", "Answer once, through one's own link", seated(RESPONDENT)),
], people={"Survey staff": Seat(frozenset({STAFF})),
           "A reader (e.g. the district coordinator)": Seat(frozenset({READER})),
           "A person with a link": Seat(frozenset({RESPONDENT})),
           "Anyone else": Seat()})
