"""Improvement analytics: run and control charts with named rule sets.

Pure Python + NumPy/SciPy: no web, no database. `aimline.improve.spc` is the entry point.
"""
