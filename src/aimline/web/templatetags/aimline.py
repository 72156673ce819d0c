from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ row|get:metric_id }}: a dictionary value by a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def may_district(scope: Any, action: str) -> bool:
    """Whether the person may take a district action (`district.access.DISTRICT`) in a
    district of their own: the nav shows no link its rules would refuse."""
    from aimline.web.access import At
    from aimline.web.district.access import DISTRICT

    return any(DISTRICT.allows(scope, action, At(d)) for d in scope.districts)
