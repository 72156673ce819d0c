"""The suppression policy: one rule for every aggregate that leaves Aimline.

A cell is suppressed when fewer than `min_n` *people* stand behind it: the distinct
students (or respondents, staff) of the cell, never its days, events or suspensions. An
attendance rate's denominator is student-days, so one foster child enrolled 179 days is a
denominator of 179 and a cell of one person (FERPA 34 CFR 99.31(b)(1); NCES SLDS
Technical Brief 3, "Statistical methods for protecting personally identifiable
information in aggregate reporting", 2010).

Configured once, in the environment, for the CLI and the site alike:

    AIMLINE_MIN_N=10                    smallest number of people a published cell may have
    AIMLINE_COMPLEMENTARY=1             also hide the next-smallest cell of a dimension
    AIMLINE_CODING=none                 or "nm": New Mexico's top/bottom coding

Every stored indicator set records the policy that made it (`indicator_sets`), and the
site refuses to serve a set made under a weaker policy than its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

CODINGS = ("nm",)
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class PolicyError(ValueError):
    """A policy setting that is not a policy (a bad AIMLINE_MIN_N, an unknown coding)."""


@dataclass(frozen=True)
class Policy:
    min_n: int = 10
    complementary: bool = True
    coding: str | None = None  # None, or "nm" (New Mexico PED's tiers)

    def __post_init__(self) -> None:
        if self.min_n < 1:
            raise PolicyError(f"the minimum cell size must be at least 1 (got {self.min_n})")
        if self.coding is not None and self.coding not in CODINGS:
            raise PolicyError(f"unknown coding {self.coding!r}; use 'nm' or none")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Policy:
        env = os.environ if environ is None else environ

        def raw(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        min_n = raw("AIMLINE_MIN_N")
        try:
            n = cls.min_n if min_n is None else int(min_n)
        except ValueError:
            raise PolicyError(f"AIMLINE_MIN_N={min_n!r} is not a whole number") from None
        if n < 1:
            raise PolicyError(f"AIMLINE_MIN_N={n} is below its minimum, 1")
        comp = (raw("AIMLINE_COMPLEMENTARY") or "1").lower()
        if comp not in TRUE | FALSE:
            raise PolicyError(f"AIMLINE_COMPLEMENTARY={comp!r} is not a boolean: use 1 or 0")
        coding = (raw("AIMLINE_CODING") or "none").lower()
        if coding != "none" and coding not in CODINGS:
            raise PolicyError(f"AIMLINE_CODING={coding!r} is not a coding: use nm or none")
        return cls(n, comp in TRUE, None if coding == "none" else coding)

    def weaker_than(self, other: Policy) -> list[str]:
        """How this policy protects less than `other`, in words (empty: at least as strong)."""
        out = []
        if self.min_n < other.min_n:
            out.append(f"minimum n {self.min_n}, below {other.min_n}")
        if other.complementary and not self.complementary:
            out.append("no complementary suppression")
        if other.coding and self.coding != other.coding:
            out.append(f"no {other.coding} top/bottom coding")
        return out

    def describe(self) -> str:
        """What readers are told, on every page and document that shows aggregates."""
        text = f"cells of fewer than {self.min_n} students are suppressed"
        if self.complementary:
            text += ", with the cells that would reveal them"
        if self.coding == "nm":
            text += "; rates near 0% and 100% are shown as bounds (New Mexico coding)"
        return text

    def as_record(self) -> dict[str, object]:
        return {"min_n": self.min_n, "complementary": self.complementary,
                "coding": self.coding}
