"""The `aimline` command: `common` holds the app and what commands share; each command
group is a module of its own, imported here so its commands join the app."""

from aimline.cli import charts, data, imports, metrics, site  # noqa: F401  (their commands)
from aimline.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
