"""Signed Open Badges 3.0 credentials, their public verification and revocation: one place
for leadership certificates and the micro-credentials of teachers' growth."""
