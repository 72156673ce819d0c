"""Equity audits of a district (not the student-view audit log, which is orgs')."""
