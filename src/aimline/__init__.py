"""Aimline: an open platform for school-improvement partnerships."""

__version__ = "0.1.0"
