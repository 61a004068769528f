"""Template filters for Thai presentation: B.E. dates, scores rounded half-up, Thai digits, changes.

``{% load prongsai_tags %}`` then ``{{ round.opened_at|thai_date }}``, ``{{ result.total|score }}``,
``{{ rank|thai_digits }}``, ``{{ row.change|change }}``.  Values that are missing render as an en dash.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from prongsai.core.thai import (
    BANGKOK,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    format_score,
    format_thai_date,
    format_thai_datetime,
    to_thai_digits,
)
from prongsai.web.messages import english

register = template.Library()

#: The product's name in Thai, its wordmark: shown as it is in every language (with "Prongsai" beside it), the way
#: a logo is.
WORDMARK = "โปร่งใส"  # thai-data: the product's name (a wordmark), the same in every language


@register.simple_tag
def wordmark() -> str:
    return WORDMARK


EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MISSING = "–"


@register.filter
def thai_date(value, style: str = "full") -> str:
    """A date in the Buddhist Era ("24 มิถุนายน 2563"; ``"short"``: "24 มิ.ย. 2563"); datetimes in Bangkok time.

    In English the same date reads "24 June 2020 (B.E. 2563)"; the Thai form is the default.
    """
    if value in (None, ""):
        return MISSING
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if english():
        local = value.astimezone(BANGKOK) if isinstance(value, datetime) else value
        month = EN_MONTHS[local.month - 1]
        text = f"{local.day} {month[:3] if style == 'short' else month} {local.year} (B.E. {local.year + 543})"
        if isinstance(value, datetime):
            text += f" {local.hour:02d}:{local.minute:02d}"
        return text
    if isinstance(value, datetime):
        return format_thai_datetime(value)
    return format_thai_date(value, style if style in ("full", "short", "short2", "official") else "full")


@register.filter
def thai_month(value: int, short: bool = False) -> str:
    months = THAI_MONTHS_ABBR if short else THAI_MONTHS
    return months[int(value) - 1]


@register.filter
def score(value, places: int = 2) -> str:
    """A score with exactly ``places`` decimals, rounded half-up (91.25, 85.00); missing → "–"."""
    if value in (None, ""):
        return MISSING
    return format_score(value if not isinstance(value, float) else Decimal(repr(value)), int(places))


@register.filter
def thai_digits(value) -> str:
    """Arabic digits → Thai digits (๐–๙) in official-looking places of a page; in English the digits stay Arabic.

    Pages only: the documents (DOCX/PDF) print Thai digits through their own context, in every language."""
    if value is None:
        return MISSING
    text = str(value)
    return text if english() else to_thai_digits(value if isinstance(value, Decimal) else text)


@register.filter
def change(value) -> str:
    """A signed change with an arrow: "▲ +1.25", "▼ −0.40", "● 0.00"; the arrow is hidden from screen readers
    and the direction is spoken in words instead."""
    if value in (None, ""):
        return MISSING
    number = Decimal(str(value))
    text = format_score(abs(number))
    if number > 0:
        return format_html(
            '<span class="up"><span aria-hidden="true">▲</span> +{}<span class="visually-hidden"> {}</span></span>',
            text,
            gettext("up"),
        )
    if number < 0:
        return format_html(
            '<span class="down"><span aria-hidden="true">▼</span> −{}<span class="visually-hidden"> {}</span></span>',
            text,
            gettext("down"),
        )
    return format_html('<span class="same"><span aria-hidden="true">●</span> {}</span>', text)


@register.filter
def level_class(label) -> str:
    """A CSS class for a level label (AA, A, B … or the 2566 wording)."""
    mapping = {  # thai-data: the Thai level labels some editions use, as stored
        "AA": "lv-aa",
        "A": "lv-a",
        "B": "lv-b",
        "C": "lv-c",
        "D": "lv-d",
        "E": "lv-e",
        "F": "lv-f",
        "ผ่านดีเยี่ยม": "lv-aa",
        "ผ่านดี": "lv-a",
        "ผ่าน": "lv-b",
        "ต้องปรับปรุง": "lv-d",
        "ต้องปรับปรุงโดยด่วน": "lv-f",
    }
    return mapping.get(str(label), "lv-none")


@register.filter
def fiscal_year(value) -> str:
    """ "ปีงบประมาณ พ.ศ. 2563" / "fiscal year 2563 B.E."."""
    if value in (None, ""):
        return MISSING
    return gettext("fiscal year %(year)s B.E.") % {"year": value}


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dictionaries keyed by variables."""
    if mapping is None:
        return None
    return mapping.get(key)
