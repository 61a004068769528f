"""``{% provisional_mark obj %}``: the visible mark of a provisional question, OIT item, level or edition.

Officers see it wherever an item is named (OIT lists, the form preview, analysis); respondents never do.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def provisional_mark(obj, text: str = "ชั่วคราว") -> str:
    """A small tag when ``obj`` (anything with ``confidence``, or ``provisional``) is provisional; else nothing."""
    if obj is None:
        return ""
    provisional = getattr(obj, "provisional", None)
    if provisional is None:
        provisional = getattr(obj, "confidence", "") == "provisional"
    if not provisional:
        return ""
    caveat = getattr(obj, "caveat", "") or "ยังไม่ยืนยันกับแหล่งข้อมูล เติมจากกรอบที่ใกล้ที่สุด"
    return format_html('<span class="tag provisional" title="{}" data-provisional="1">{}'
                       '<span class="visually-hidden">: {}</span></span>', caveat, text, caveat)


@register.filter
def confidence_th(value: str) -> str:
    from prongsai.core.framework import CONFIDENCE_TH

    return CONFIDENCE_TH.get(value, value)


@register.filter
def data_window(item, fiscal_year) -> str:
    """The data window of an OIT item in words, for a round's fiscal year (the item's time window otherwise)."""
    try:
        return item.window_th(int(fiscal_year))
    except (AttributeError, TypeError, ValueError):
        return getattr(item, "time_window", "")
