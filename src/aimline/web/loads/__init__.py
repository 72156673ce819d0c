"""Data-load jobs: an extract validated, loaded, computed, swapped in."""
