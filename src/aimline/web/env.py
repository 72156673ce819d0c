"""Strict readers for settings from the environment: a value that is not what the variable
takes stops start-up with a message naming the variable (`AIMLINE_SECURE_COOKIES=ture`
must not quietly mean "off")."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, "
                               "yes/no or on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum, {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    return default if raw is None else [x.strip() for x in raw.split(",") if x.strip()]


def env_json_list(name: str, keys: tuple[str, ...] = ("id", "name", "server_url", "client_id")
                  ) -> list[dict]:
    """A JSON list of objects, each with `keys` (e.g. AIMLINE_OIDC's providers)."""
    import json

    raw = _raw(name)
    if raw is None:
        return []
    try:
        value = json.loads(raw)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} is not JSON: {e}") from None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ImproperlyConfigured(f"{name} must be a JSON list of objects")
    for i, v in enumerate(value):
        missing = [k for k in keys if not v.get(k)]
        if missing:
            raise ImproperlyConfigured(f"{name}[{i}] lacks {', '.join(missing)}")
    return value


def env_origins(name: str) -> list[str]:
    """Comma-separated origins such as https://aimline.district.org (scheme and host)."""
    out = env_list(name, [])
    for origin in out:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ImproperlyConfigured(f"{name}: {origin!r} is not an origin like "
                                       "https://aimline.example.org (scheme and host only)")
    return out


def env_database(name: str, default: str) -> dict:
    import dj_database_url

    raw = _raw(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name}: {e}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database Aimline can use: "
                                   "postgres://… or sqlite:///…")
    return config
