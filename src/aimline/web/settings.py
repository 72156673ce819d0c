"""Settings from the environment; the defaults run the demo (SQLite + DuckDB, no services).

AIMLINE_SECRET_KEY  required unless AIMLINE_DEBUG=1 (the demo and the tests set one)
DATABASE_URL        e.g. postgres://aimline@db/aimline; default sqlite:///<AIMLINE_HOME>/site.sqlite3
AIMLINE_WAREHOUSE   the DuckDB warehouse the site reads (default <AIMLINE_HOME>/aimline.duckdb)
AIMLINE_HOME        where the site keeps its files (default ./)
AIMLINE_ALLOWED_HOSTS  comma-separated (default 127.0.0.1,localhost)
AIMLINE_SECURE_COOKIES cookies only over HTTPS (default on unless AIMLINE_DEBUG=1)
AIMLINE_TRUSTED_ORIGINS comma-separated origins behind a proxy, e.g. https://aimline.example.org
AIMLINE_BEHIND_PROXY   trust the proxy's X-Forwarded-Proto: https (default off)
AIMLINE_HSTS_SECONDS   Strict-Transport-Security max-age (default 31536000 unless debug, 0 = off)
AIMLINE_STATIC_MANIFEST hashed static file names, from `collectstatic` (`aimline serve` runs
                        it; default on unless AIMLINE_DEBUG=1)
AIMLINE_MIN_N, AIMLINE_COMPLEMENTARY, AIMLINE_CODING  the suppression policy, shared with the
                        CLI (`aimline.metrics.policy`; defaults 10 students, on, none)
AIMLINE_LOGIN_FAILURES  whole number (default 5)
AIMLINE_REQUIRE_2FA     two-factor sign-in (TOTP) for roles that see student records or manage
                        people (default on; `make demo` turns it off for the demo people)
AIMLINE_SMTP_HOST, AIMLINE_SMTP_PORT (587), AIMLINE_SMTP_USER, AIMLINE_SMTP_PASSWORD,
AIMLINE_SMTP_TLS (on)   email by SMTP (invitations, password reset); without a host, emails
                        are written as files under <AIMLINE_HOME>/mail (the demo)
AIMLINE_FROM_EMAIL      the sender (default aimline@localhost)
AIMLINE_OIDC            OpenID Connect single sign-on: a JSON list of providers, each
                        {"id", "name", "server_url", "client_id", "secret"} (docs/site.md)
AIMLINE_BASE_URL        the site's public address, in credentials and their QR codes
                        (default http://127.0.0.1:8000)
AIMLINE_SIGNING_KEY     the RSA private key (PEM file) credentials are signed with (default
                        <AIMLINE_HOME>/signing-key.pem, made on first use; keep it and back it
                        up: a new key cannot verify credentials already issued)

Booleans take 1/0, true/false, yes/no, on/off; any other value stops start-up with a
message naming the variable (`env.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from aimline.metrics.policy import Policy, PolicyError
from aimline.web.env import (
    env_bool,
    env_database,
    env_int,
    env_json_list,
    env_list,
    env_origins,
)

HOME = Path(os.environ.get("AIMLINE_HOME", ".")).resolve()
DEBUG = env_bool("AIMLINE_DEBUG", False)
SECRET_KEY = os.environ.get("AIMLINE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("set AIMLINE_SECRET_KEY (or AIMLINE_DEBUG=1 for a local demo)")
    SECRET_KEY = "insecure-local-demo-key-not-for-production"
ALLOWED_HOSTS = env_list("AIMLINE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
WAREHOUSE = Path(os.environ.get("AIMLINE_WAREHOUSE", HOME / "aimline.duckdb"))
UPLOADS = HOME / "uploads"
BASE_URL = os.environ.get("AIMLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SIGNING_KEY = Path(os.environ.get("AIMLINE_SIGNING_KEY", HOME / "signing-key.pem"))
try:  # one policy for every aggregate the site shows, the same the CLI computes with
    SUPPRESSION = Policy.from_env()
except PolicyError as e:
    raise ImproperlyConfigured(str(e)) from None
MIN_N = SUPPRESSION.min_n

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # /api/docs serves Swagger UI from the site, not a CDN (firewalled districts)
    "axes",
    "aimline.web.apps.WebConfig",  # the shell: templates, static files, the old migrations
    "aimline.web.orgs.apps.OrgsConfig",
    "aimline.web.networks.apps.NetworksConfig",
    "aimline.web.audits.apps.AuditsConfig",
    "aimline.web.loads.apps.LoadsConfig",
    "aimline.web.students.apps.StudentsConfig",
    "aimline.web.dashboards.apps.DashboardsConfig",
    "aimline.web.targets.apps.TargetsConfig",
    "aimline.web.credentials.apps.CredentialsConfig",
    "aimline.web.coaching.apps.CoachingConfig",
    "aimline.web.leaders.apps.LeadersConfig",
    "aimline.web.surveys.apps.SurveysConfig",
    "aimline.web.induction.apps.InductionConfig",
    "aimline.web.district.apps.DistrictConfig",
    "aimline.web.growth.apps.GrowthConfig",
    # after the site's apps, so its templates (allauth/layouts/base.html) come first
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "aimline.web.orgs.scope.ScopeMiddleware",
    "aimline.web.orgs.accounts.TwoFactorRequired",
    "aimline.web.warehouse.PolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login rate limit: first, so it can refuse
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_int("AIMLINE_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours locked out after too many failed logins
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "login"  # allauth's sign-in form

# accounts (django-allauth): sign-in by username or email; sign-up only by invitation
ACCOUNT_ADAPTER = "aimline.web.orgs.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "aimline.web.orgs.accounts.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# sign-up is by invitation only, and the link proves its email (`is_email_verified`);
# people made before (createadmin, the demo) sign in with no email on file
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # single sign-on finds the person by email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider vouches for the email
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Aimline"
MFA_TOTP_TOLERANCE = 1  # a phone clock 30 s off still signs in
REQUIRE_TWO_FACTOR = env_bool("AIMLINE_REQUIRE_2FA", True)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [
    {"provider_id": p["id"], "name": p["name"], "client_id": p["client_id"],
     "secret": p.get("secret", ""), "settings": {"server_url": p["server_url"]}}
    for p in env_json_list("AIMLINE_OIDC")]}}

SMTP_HOST = os.environ.get("AIMLINE_SMTP_HOST", "")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = SMTP_HOST, env_int("AIMLINE_SMTP_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("AIMLINE_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("AIMLINE_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("AIMLINE_SMTP_TLS", True)
else:  # the demo: each email a file to read
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOME / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("AIMLINE_FROM_EMAIL", "aimline@localhost")

ROOT_URLCONF = "aimline.web.urls"
WSGI_APPLICATION = "aimline.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "aimline.web.warehouse.suppression_context",
    ]},
}]
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{HOME / 'site.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the job worker write while pages read
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;",
                                       "transaction_mode": "IMMEDIATE"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SECURE = env_bool("AIMLINE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
CSRF_TRUSTED_ORIGINS = env_origins("AIMLINE_TRUSTED_ORIGINS")
if env_bool("AIMLINE_BEHIND_PROXY", False):  # the proxy terminates TLS and says so
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("AIMLINE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # a district's other hosts are not ours to pin
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
WHITENOISE_USE_FINDERS = True  # the demo serves static files without collectstatic
# hashed names (site.3f2a….css) so browsers may cache static files for ever
STATIC_MANIFEST = env_bool("AIMLINE_STATIC_MANIFEST", not DEBUG)
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": (
                "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_MANIFEST
                else "django.contrib.staticfiles.storage.StaticFilesStorage")}}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}}}
