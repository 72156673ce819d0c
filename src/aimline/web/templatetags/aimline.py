from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ row|get:metric_id }}: a dictionary value by a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def may_in_district(scope: Any, action: str) -> bool:
    """Whether the person may take an action ("practice.action", e.g.
    "district.read_support") of a table ruling at a district (`access.At`) in a district
    of their own: the nav shows no link its rules would refuse."""
    from aimline.web.access import tables

    practice, name = action.split(".")
    rules = next(t for t in tables() if t.practice == practice)
    return bool(rules.districts(scope, name))
