"""Site settings for the test suite: the real settings module, with a throwaway home.

DATABASE_URL picks the database (SQLite by default; `make test` runs the site tests a
second time on PostgreSQL when one is reachable)."""

import os
import tempfile

os.environ.setdefault("AIMLINE_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("AIMLINE_HOME", tempfile.mkdtemp(prefix="aimline-site-"))
os.environ.setdefault("AIMLINE_SECURE_COOKIES", "0")  # the test client and browser use http
os.environ.setdefault("AIMLINE_STATIC_MANIFEST", "0")  # no collectstatic per test run

from aimline.web.settings import *  # noqa: F403

DEBUG = False  # error pages as users see them
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
