"""Standards as data: a framework file (`standards/*.json`: framework, title, source, and
standards each with elements) loaded into `Standard` rows. The CPSEL and the CTC's CASC
programme standards ship with Aimline; another state's framework loads the same way
(`load(path)`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "standards"
SHIPPED = ("cpsel-2014.json", "ctc-casc.json")


def load(path: Path, model: Any = None) -> int:
    """Create or update the framework's rows; returns how many. `model` is the Standard
    class (a migration passes its historical one)."""
    if model is None:
        from aimline.web.induction.models import Standard as model
    data = json.loads(Path(path).read_text())
    fw, n = data["framework"], 0
    for s in data["standards"]:
        top, _ = model.objects.update_or_create(framework=fw, code=s["code"],
                                                defaults={"title": s["title"], "parent": None})
        n += 1
        for e in s.get("elements", []):
            model.objects.update_or_create(framework=fw, code=e["code"],
                                           defaults={"title": e["title"], "parent": top})
            n += 1
    return n


def elements(framework: str = "CPSEL") -> list[Any]:
    """The framework's elements (1A, 1B, ...), the units goals and evidence map to."""
    from aimline.web.induction.models import Standard

    return list(Standard.objects.filter(framework=framework, parent__isnull=False))
