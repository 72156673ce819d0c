"""The house rules a reader relies on: which way the imports point."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aimline"


def imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("room", ["data", "metrics", "improve", "equity", "matching", "surveys",
                                  "reports"])
def test_analytics_rooms_never_import_django(room: str) -> None:
    bad = {p.relative_to(SRC).as_posix() for p in (SRC / room).rglob("*.py")
           if any(m == "django" or m.startswith(("django.", "aimline.web")) for m in imports(p))}
    assert not bad


def test_the_cli_has_no_import_cycle() -> None:
    """common.py imports no command module; command modules import common (or each
    other), never the package that assembles them."""
    cli = SRC / "cli"
    groups = {p.stem for p in cli.glob("*.py")} - {"__init__", "__main__", "common"}
    assert not {m for m in imports(cli / "common.py") if m.startswith("aimline.cli")}
    for g in groups:
        assert "aimline.cli" not in imports(cli / f"{g}.py"), g
        assert not {m for m in imports(cli / f"{g}.py")
                    if m in {"aimline.cli.app", "aimline.cli.main"}}, g
