"""Equity analytics: disproportionality, school identification, educator equity, peers,
beating the odds, award-style screens. Tables in, tidy tables out; no Django."""
