"""Small template helpers of the measures and documents pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dictionary lookup with a variable key (empty when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
