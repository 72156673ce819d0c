"""Watch list, student page, interventions: student-level, scoped and logged."""
