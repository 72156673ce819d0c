"""Networked improvement: aims, driver diagrams, change ideas, PDSA cycles, measures,
phases, learning sessions, spread and the status report."""
