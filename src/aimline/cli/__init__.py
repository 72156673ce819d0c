"""The `aimline` command: `common` holds the app and what commands share; each command
group is a module of its own, imported here so its commands join the app."""

from aimline.cli import charts, data, district, imports, metrics, site  # noqa: F401
from aimline.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
