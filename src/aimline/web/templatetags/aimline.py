from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ row|get:metric_id }}: a dictionary value by a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def reads_support(scope: Any) -> bool:
    """Whether the person has a district of their own to see the support page for (the
    nav shows no link its rules would refuse)."""
    from aimline.web.district.access import DISTRICT

    return any(DISTRICT.allows(scope, "read_support", d) for d in scope.districts)


@register.filter
def reads_staffing(scope: Any) -> bool:
    from aimline.web.district.access import DISTRICT

    return any(DISTRICT.allows(scope, "read_staffing", d) for d in scope.districts)
