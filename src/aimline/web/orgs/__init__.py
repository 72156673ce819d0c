"""Organisations, partnerships, people and roles, the scope, the student-view audit log
and API tokens."""
