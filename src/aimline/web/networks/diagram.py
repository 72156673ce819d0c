"""A driver diagram as SVG: aim -> primary drivers -> secondary drivers -> change ideas,
left to right, with a line for every link. Readable in the page, printable in the PDF,
exportable as PNG (vl-convert's SVG rasteriser)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

COL_X = (10, 250, 490, 730)
BOX_W, LINE_H, PAD, GAP = 220, 15, 8, 12
TITLES = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
FILL = ("#102a43", "#0b5cad", "#d9e2ec", "#fff4e5")
INK = ("#fff", "#fff", "#1f2933", "#1f2933")


@dataclass
class Box:
    key: str
    text: str
    col: int
    y: float = 0
    h: float = 0

    @property
    def lines(self) -> list[str]:
        return textwrap.wrap(self.text, 32) or [""]


def _stack(boxes: list[Box], top: float) -> float:
    y = top
    for b in boxes:
        b.h = len(b.lines) * LINE_H + 2 * PAD
        b.y = y
        y += b.h + GAP
    return y


def svg(aim: str, primaries: list[tuple[str, str]], secondaries: list[tuple[str, str, str]],
        ideas: list[tuple[str, str, list[str]]]) -> str:
    """primaries: (key, text); secondaries: (key, text, primary key); ideas: (key, text,
    driver keys). Keys are any strings unique across drivers."""
    top = 34
    sec = [Box(k, t, 2) for k, t, _ in secondaries]
    bottom = _stack(sec, top)
    pri = [Box(k, t, 1) for k, t in primaries]
    # each primary driver sits level with its secondary drivers (or next in line)
    y = top
    for p in pri:
        kids = [b for b, (_, _, parent) in zip(sec, secondaries) if parent == p.key]
        p.h = len(p.lines) * LINE_H + 2 * PAD
        p.y = max(y, (kids[0].y + kids[-1].y + kids[-1].h) / 2 - p.h / 2) if kids else y
        y = p.y + p.h + GAP
    idea_boxes = [Box(k, t, 3) for k, t, _ in ideas]
    bottom = max(bottom, y, _stack(idea_boxes, top))
    aim_box = Box("aim", aim, 0)
    aim_box.h = len(aim_box.lines) * LINE_H + 2 * PAD
    aim_box.y = max(top, (bottom - top) / 2 + top / 2 - aim_box.h / 2)
    by_key = {b.key: b for b in pri + sec}
    links = [(aim_box, p) for p in pri]
    links += [(by_key[parent], by_key[k]) for k, _, parent in secondaries if parent in by_key]
    links += [(by_key[d], b) for b, (_, _, ds) in zip(idea_boxes, ideas) for d in ds
              if d in by_key]
    height = max(bottom, aim_box.y + aim_box.h) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="driver-diagram" '
           f'viewBox="0 0 {COL_X[3] + BOX_W + 10} {height:.0f}" '
           f'width="{COL_X[3] + BOX_W + 10}" height="{height:.0f}" role="img" '
           f'aria-label="Driver diagram" font-family="system-ui, sans-serif" font-size="12">']
    out += [f'<text x="{x}" y="18" font-weight="700" fill="#616e7c">{t}</text>'
            for x, t in zip(COL_X, TITLES)]
    for a, b in links:
        x1, y1 = COL_X[a.col] + BOX_W, a.y + a.h / 2
        x2, y2 = COL_X[b.col], b.y + b.h / 2
        mid = (x1 + x2) / 2
        out.append(f'<path d="M{x1},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} {x2},{y2:.1f}" '
                   'fill="none" stroke="#9aa5b1" stroke-width="1.2"/>')
    for b in [aim_box, *pri, *sec, *idea_boxes]:
        x = COL_X[b.col]
        out.append(f'<rect x="{x}" y="{b.y:.1f}" width="{BOX_W}" height="{b.h:.1f}" rx="6" '
                   f'fill="{FILL[b.col]}" stroke="#9aa5b1"/>')
        for i, line in enumerate(b.lines):
            out.append(f'<text x="{x + PAD}" y="{b.y + PAD + (i + 0.8) * LINE_H:.1f}" '
                       f'fill="{INK[b.col]}">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def for_aim(aim: object) -> str:
    """The diagram of an Aim (web.improvement.Aim) and the change ideas serving its drivers."""
    drivers = list(aim.drivers.all())  # type: ignore[attr-defined]
    prim = [(f"d{d.pk}", d.text) for d in drivers if d.parent_id is None]
    sec = [(f"d{d.pk}", d.text, f"d{d.parent_id}") for d in drivers if d.parent_id]
    ideas = {}
    for d in drivers:
        for ci in d.change_ideas.all():
            ideas.setdefault(ci.pk, (f"c{ci.pk}", ci.title, []))[2].append(f"d{d.pk}")
    return svg(aim.statement(), prim, sec, list(ideas.values()))  # type: ignore[attr-defined]
