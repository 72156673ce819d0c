"""Survey results: the share who agree, by item and respondent group, with the same
small-cell suppression as every other aggregate (`agreement.py`). Tables in, tables out;
no Django."""

from aimline.surveys.agreement import AGREE, SCALE, agreement, distribution

__all__ = ["AGREE", "SCALE", "agreement", "distribution"]
