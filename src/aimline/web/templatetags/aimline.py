from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ row|get:metric_id }}: a dictionary value by a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None
