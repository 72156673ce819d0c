"""Settings are read strictly: a bad value stops start-up naming the variable; what
production behind a proxy needs is there. Each case imports the real settings module in a
fresh interpreter, as start-up does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PRINT = ("import json; from aimline.web import settings as s; print(json.dumps({k: "
         "getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
         "'CSRF_TRUSTED_ORIGINS', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_SECONDS', 'MIN_N', "
         "'STATIC_MANIFEST')} | {'static': s.STORAGES['staticfiles']['BACKEND']}))")


def start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIMLINE_", "DATABASE"))}
    return subprocess.run([sys.executable, "-c", PRINT], capture_output=True, text=True,
                          env={**base, "AIMLINE_HOME": str(tmp_path),
                               "AIMLINE_SECRET_KEY": "k" * 50, **env}, timeout=60)


def settings_with(tmp_path, **env: str) -> dict:
    r = start(tmp_path, **env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes", "on"])
def test_every_spelling_of_true_turns_secure_cookies_on(tmp_path, value: str) -> None:
    s = settings_with(tmp_path, AIMLINE_DEBUG="1", AIMLINE_SECURE_COOKIES=value)
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("name", "value", "message"), [
    ("AIMLINE_SECURE_COOKIES", "ture", "AIMLINE_SECURE_COOKIES='ture' is not a boolean"),
    ("AIMLINE_DEBUG", "maybe", "AIMLINE_DEBUG='maybe' is not a boolean"),
    ("AIMLINE_MIN_N", "ten", "AIMLINE_MIN_N='ten' is not a whole number"),
    ("AIMLINE_MIN_N", "0", "AIMLINE_MIN_N=0 is below its minimum, 1"),
    ("AIMLINE_HSTS_SECONDS", "1y", "AIMLINE_HSTS_SECONDS='1y' is not a whole number"),
    ("AIMLINE_TRUSTED_ORIGINS", "aimline.example.org",
     "AIMLINE_TRUSTED_ORIGINS: 'aimline.example.org' is not an origin"),
    ("DATABASE_URL", "mysq://x", "DATABASE_URL"),
])
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, name: str, value: str,
                                                        message: str) -> None:
    r = start(tmp_path, **{name: value})
    assert r.returncode != 0
    assert "ImproperlyConfigured" in r.stderr and message in r.stderr


def test_production_behind_a_proxy(tmp_path) -> None:
    s = settings_with(tmp_path, AIMLINE_TRUSTED_ORIGINS="https://aimline.example.org",
                      AIMLINE_BEHIND_PROXY="1")
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://aimline.example.org"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000 and s["SESSION_COOKIE_SECURE"] is True
    assert s["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    demo = settings_with(tmp_path, AIMLINE_DEBUG="1")
    assert demo["SECURE_HSTS_SECONDS"] == 0 and demo["SESSION_COOKIE_SECURE"] is False
    assert demo["SECURE_PROXY_SSL_HEADER"] is None and demo["STATIC_MANIFEST"] is False


def test_hashed_static_names_are_collected(tmp_path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIMLINE_", "DATABASE"))}
    env = {**base, "AIMLINE_HOME": str(tmp_path), "AIMLINE_SECRET_KEY": "k" * 50,
           "DJANGO_SETTINGS_MODULE": "aimline.web.settings"}
    code = ("import django; django.setup(); from django.core.management import call_command; "
            "call_command('collectstatic', interactive=False, verbosity=0); "
            "from django.templatetags.static import static; print(static('aimline/site.css'))")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    url = r.stdout.strip()
    assert url.startswith("/static/aimline/site.") and url != "/static/aimline/site.css"
    assert (tmp_path / "static" / url.removeprefix("/static/")).exists()
