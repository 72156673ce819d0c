"""Optimal assignment with capacities: coaches to candidates, mentor schools to struggling
schools. Tables in, tables out; no Django (`assign.py`)."""

from aimline.matching.assign import Infeasible, assign

__all__ = ["Infeasible", "assign"]
